package dev.kdrl.agent.it;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real kube-apiserver (built from Debian's source package by scripts/kube/build-apiserver.sh, cached
 * outside the repository) and etcd on 127.0.0.1, started and stopped by scripts/kube/*.sh.
 */
final class RealApiServer implements AutoCloseable {
    private static final Path SCRIPTS = Path.of("../scripts/kube").toAbsolutePath().normalize();

    final Path workdir;
    final Map<String, String> env = new HashMap<>();

    RealApiServer(Path workdir) throws Exception {
        this.workdir = workdir;
        String binary = lastLine(run(List.of(SCRIPTS.resolve("build-apiserver.sh").toString()), Map.of(),
                workdir.resolve("build.log"), 45));
        run(List.of(SCRIPTS.resolve("start-apiserver.sh").toString(), workdir.toString()),
                Map.of("KUBE_APISERVER", binary), workdir.resolve("start.log"), 2);
        for (String line : Files.readAllLines(workdir.resolve("env"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
    }

    String url() {
        return env.get("APISERVER_URL");
    }

    String port() {
        return env.get("APISERVER_PORT");
    }

    Path caFile() {
        return Path.of(env.get("CA_FILE"));
    }

    /** A client with {@code token} (the admin's by default), verifying the server with the generated CA. */
    KubernetesClient client(String token) {
        Config c = new ConfigBuilder(Config.empty())
                .withMasterUrl(url())
                .withOauthToken(token)
                .withCaCertFile(caFile().toString())
                .withNamespace("default")
                .withRequestRetryBackoffLimit(0)
                .build();
        return new KubernetesClientBuilder().withConfig(c).build();
    }

    KubernetesClient admin() {
        return client(env.get("ADMIN_TOKEN"));
    }

    private static String run(List<String> cmd, Map<String, String> extraEnv, Path log, int minutes)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd + " did not finish in " + minutes + " min; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " failed (" + p.exitValue() + "): " + tail(log));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    @Override
    public void close() throws Exception {
        run(List.of(SCRIPTS.resolve("stop-apiserver.sh").toString(), workdir.toString()), Map.of(),
                workdir.resolve("stop.log"), 1);
    }
}
