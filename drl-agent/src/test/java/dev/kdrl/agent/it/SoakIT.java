package dev.kdrl.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The fault-injection soak of issue #14 ({@link Soak}): in the suite with its short default settings (12 SIGKILL
 * restarts, at least 120 cycles, about two minutes); scripts/soak.sh runs the same test with longer ones through
 * {@code -Dsoak.restarts=... -Dsoak.cycles=...}. Its figures go to {@code target/soak/report-SEED.txt}, its files to
 * {@code target/soak/run-SEED/}.
 */
class SoakIT {
    @Test
    void faultsAndKillsLoseNothingAndTheCycleStaysBounded() throws Exception {
        Soak.Settings settings = Soak.Settings.fromSystemProperties();
        // kept after the run (the agents' logs, histories and state) for whoever reads the report
        Path dir = Path.of("target/soak/run-" + settings.seed()).toAbsolutePath();
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
        Soak soak = new Soak(settings, dir);
        try {
            soak.run();
        } finally {
            String report = soak.report() + (soak.violations.isEmpty() ? "" : "violations:\n  "
                    + String.join("\n  ", soak.violations) + "\n");
            Path out = Path.of("target/soak/report-" + settings.seed() + ".txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
            System.out.println("soak figures (" + out + "):\n" + report);
        }
        assertThat(soak.violations).isEmpty();
        // the run was what it says: every kind of fault happened, every restart was checked
        assertThat((Integer) soak.figures.get("cycles logged")).isGreaterThanOrEqualTo(settings.cycles());
        assertThat((Integer) soak.figures.get("history rows checked")).isPositive();
        assertThat((Integer) soak.figures.get("restores checked")).isGreaterThanOrEqualTo(settings.restarts() / 2);
        for (String kind : new String[] {"http_5xx", "stall_headers", "stall_body", "garbage", "nan", "huge"}) {
            assertThat((Long) soak.figures.get("prometheus fault " + kind)).as(kind).isPositive();
        }
        assertThat((Long) soak.figures.get("prometheus fault refused (outage windows)")).isPositive();
        assertThat(soak.figures.get("api writes answered 409 / 503 / forwarded").toString()).doesNotStartWith("0 ");
    }
}
