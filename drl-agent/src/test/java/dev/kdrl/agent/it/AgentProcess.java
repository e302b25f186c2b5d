package dev.kdrl.agent.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The agent's shaded jar run as a separate JVM, its output in a file. */
final class AgentProcess implements AutoCloseable {
    static final Path JAR = Path.of("target/drl-agent.jar");

    private final Process process;
    final Path output;

    AgentProcess(Path dir, String name, Map<String, String> env, String... args) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: integration tests run after "
                    + "'package' (mvn verify)");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        output = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("HOME", dir.toString()); // never read the developer's ~/.kube/config
        pb.environment().remove("KUBECONFIG");
        pb.environment().putAll(env);
        process = pb.start();
    }

    /** Waits for the exit code. */
    int waitFor(Duration timeout) throws Exception {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the agent did not exit within " + timeout + "; output:\n" + log());
        }
        return process.exitValue();
    }

    /** SIGTERM, as Kubernetes stops a pod, then the exit code. */
    int terminate(Duration timeout) throws Exception {
        process.destroy();
        return waitFor(timeout);
    }

    /** SIGKILL: no shutdown hook, no flush. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    String log() throws java.io.IOException {
        return Files.exists(output) ? Files.readString(output) : "";
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
