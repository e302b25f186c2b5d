package dev.kdrl.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.agent.loop.AgentFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's exit codes and one-line errors, run in-process with a simulated trace (no cluster). */
class AgentMainTest {
    @TempDir
    Path dir;

    private record Run(int code, String err) {
    }

    private Run run(String extra, String... args) throws Exception {
        Path cfg = dir.resolve("agent.yaml");
        Files.writeString(cfg, AgentFixtures.config("http://127.0.0.1:9", "{planner: greedy}", "{kind: last-value}",
                extra));
        Files.writeString(dir.resolve("trace.csv"), "house,senti,numbr\n10,20,30\n12,22,32\n");
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            String[] all = new String[args.length + 2];
            all[0] = "--config";
            all[1] = cfg.toString();
            System.arraycopy(args, 0, all, 2, args.length);
            code = AgentMain.run(all);
        } finally {
            System.setErr(saved);
        }
        return new Run(code, err.toString(StandardCharsets.UTF_8));
    }

    private Path simulatedState() {
        return dir.resolve("data/state/simulate");
    }

    @Test
    void anOverflowingPeriodIsRefusedWithOneLine() throws Exception {
        Run r = run("schedule: {period: 99999999999999999999s}", "--dry-run", "--once");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("error: ")
                .contains("schedule.period: 'more than 292 years' (expected a duration >= 100ms and <= 86400s)");
    }

    @Test
    void aCycleCountBelowOneIsRefused() throws Exception {
        Run r = run("", "--dry-run", "--cycles", "0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: --cycles 0: expected a number of cycles >= 1");
    }

    @Test
    void anOutOfRangeStateIsRefusedWithOneLineAndExit2LeavingTheFile() throws Exception {
        assertThat(run("", "--simulate", dir.resolve("trace.csv").toString(), "--dry-run").code()).isEqualTo(0);
        Path state = simulatedState().resolve("state.json");
        Files.createDirectories(state.getParent());
        String good = """
                {"formatVersion":1,"cycles":3,"time":"2026-11-22T10:00:55Z","services":["house","senti","numbr"],
                 "action":[%s],"pods":[%s],"resources":[1.0,1.0,1.0],"observation":null,"spec":{}}
                """;
        Files.writeString(state, good.formatted("99,0,0", "1,1,1"));
        Run r = run("", "--simulate", dir.resolve("trace.csv").toString(), "--dry-run");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("error: " + state + ": action[0] (service house)"
                + " is 99, expected a configuration index in [0, ");
        Files.writeString(state, good.formatted("0,0,0", "-1,1,1"));
        r = run("", "--simulate", dir.resolve("trace.csv").toString(), "--dry-run");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("pods[0] (service house) is -1, expected a pod count in [0, 150000]");
        assertThat(Files.readString(state)).contains("\"pods\":[-1,1,1]");
    }

    /** The process as Kubernetes stops it: SIGTERM, the cycle in progress finished, exit 0 (not 143). */
    @Test
    void sigtermStopsTheScheduledLoopAndExits0() throws Exception {
        Path cfg = dir.resolve("agent.yaml");
        Files.writeString(cfg, AgentFixtures.config("http://127.0.0.1:9", "{planner: greedy}", "{kind: last-value}",
                "schedule: {period: 5s, offset: 0s}"));
        String javaCmd = ProcessHandle.current().info().command().orElse("java");
        Path log = dir.resolve("agent.log");
        Process p = new ProcessBuilder(javaCmd, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                AgentMain.class.getName(), "--config", cfg.toString(), "--dry-run")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(log) && Files.readString(log).contains("cycle 0 at"))) {
                assertThat(p.isAlive()).as("agent running; log:%n%s", Files.exists(log) ? Files.readString(log) : "")
                        .isTrue();
                assertThat(System.nanoTime()).as("a cycle within 60 s").isLessThan(deadline);
                Thread.sleep(100);
            }
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).as("exited within 20 s").isTrue();
            assertThat(p.exitValue()).as(Files.readString(log)).isEqualTo(0);
            assertThat(Files.readString(log)).contains("SIGTERM: stopping after the cycle in progress");
        } finally {
            p.destroyForcibly();
        }
    }
}
