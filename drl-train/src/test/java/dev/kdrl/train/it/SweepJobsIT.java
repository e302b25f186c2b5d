package dev.kdrl.train.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.train.cli.DrlCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifests of {@code drl sweep k8s} against the real kube-apiserver 1.20 of {@code scripts/kube} (built once,
 * cached): kubectl creates the ConfigMap and every Job and reads back the command; Indexed completion, which this
 * version does not know, is refused by kubectl naming the field (why the sweep writes one Job per trial).
 */
class SweepJobsIT {
    private static final Path SCRIPTS = Path.of("../scripts/kube").toAbsolutePath().normalize();

    record Out(int code, String text) {
    }

    @Test
    void manifestsAreAcceptedByTheRealApiServer(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("tiny.yaml");
        Files.writeString(file, "base: {profile: paper, trace: ../datasets/paper/train-200.csv, timesteps: 400}\n"
                + "grid: {afterstate-candidates: [2, 4]}\nseeds: [1, 2]\n"
                + "evaluate:\n  - {name: test-20, traces: [../datasets/paper/test-20.csv], validation: true}\n");
        Path jobs = tmp.resolve("jobs.yaml");
        StringWriter err = new StringWriter();
        int code = DrlCommand.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "sweep", "k8s",
                file.toString(), "--image", "example/drl:1", "--claim", "sweeps", "--output", jobs.toString());
        assertThat(code).as(err.toString()).isZero();

        Path work = Files.createDirectories(tmp.resolve("kube"));
        String binary = lastLine(run(List.of(SCRIPTS.resolve("build-apiserver.sh").toString()), Map.of(), 45, false).text());
        Out started = run(List.of(SCRIPTS.resolve("start-apiserver.sh").toString(), work.toString()),
                Map.of("KUBE_APISERVER", binary), 2);
        assertThat(started.code()).as(started.text()).isZero();
        Map<String, String> env = Map.of("KUBECONFIG", work.resolve("admin.kubeconfig").toString());
        try {
            Out applied = run(List.of("kubectl", "apply", "-f", jobs.toString()), env, 1);
            assertThat(applied.code()).as(applied.text()).isZero();
            assertThat(applied.text()).contains("configmap/drl-sweep-tiny-sweep created")
                    .contains("job.batch/drl-sweep-tiny-0 created").contains("job.batch/drl-sweep-tiny-3 created");
            Out command = run(List.of("kubectl", "get", "job", "drl-sweep-tiny-3", "-o",
                    "jsonpath={.spec.template.spec.containers[0].command}"), env, 1);
            assertThat(command.text()).contains("\"trial\"").contains("\"afterstate-candidates=4\"")
                    .contains("\"--seed\",\"2\"");

            String indexed = Files.readString(jobs).replace("  backoffLimit: 2\n",
                    "  backoffLimit: 2\n  completionMode: Indexed\n");
            Path bad = tmp.resolve("indexed.yaml");
            Files.writeString(bad, indexed);
            Out refused = run(List.of("kubectl", "apply", "--dry-run=server", "-f", bad.toString()), env, 1);
            assertThat(refused.code()).isNotZero();
            assertThat(refused.text()).contains("unknown field \"completionMode\"");
        } finally {
            run(List.of(SCRIPTS.resolve("stop-apiserver.sh").toString(), work.toString()), Map.of(), 1);
        }
    }

    private static Out run(List<String> cmd, Map<String, String> extraEnv, int minutes) throws Exception {
        return run(cmd, extraEnv, minutes, true);
    }

    /** Runs {@code cmd}; its output, with the errors when {@code merge} (else they are dropped). */
    private static Out run(List<String> cmd, Map<String, String> extraEnv, int minutes, boolean merge)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (merge) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        Map<String, String> e = new HashMap<>(extraEnv);
        pb.environment().putAll(e);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd + " did not finish in " + minutes + " min");
        }
        return new Out(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static String lastLine(String s) {
        List<String> lines = new ArrayList<>(s.strip().lines().toList());
        return lines.get(lines.size() - 1).strip();
    }
}
