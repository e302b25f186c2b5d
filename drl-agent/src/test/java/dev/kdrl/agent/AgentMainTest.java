package dev.kdrl.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.agent.k8s.TestKubeconfigs;
import dev.kdrl.agent.loop.AgentFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
                .contains("schedule.period: '99999999999999999999s' (expected a duration >= 100ms and <= 86400s)");
    }

    /** A bad option is one line and a pointer to --help, not the whole usage. */
    @Test
    void aBadOptionIsOneLine() throws Exception {
        Run bad = run("", "--cycles", "abc");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().strip()).isEqualTo("error: Invalid value for option '--cycles': 'abc' is not a long\n"
                + "(options: java -jar drl-agent.jar --help)");
        Run unknown = run("", "--bogus");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err().strip()).startsWith("error: Unknown option: '--bogus'").endsWith("(options: java -jar "
                + "drl-agent.jar --help)").doesNotContain("Usage:");
    }

    @Test
    void aCycleCountBelowOneIsRefused() throws Exception {
        Run r = run("", "--dry-run", "--cycles", "0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: --cycles 0: expected a number of cycles >= 1");
    }

    /**
     * A simulation records its cycles one period apart from now, so its history runs ahead of the clock: --once with
     * --simulate goes on after it as --cycles does (it used to stamp the wall clock and fail on the history's order).
     */
    @Test
    void simulateOnceGoesOnAfterAnEarlierSimulationsHistory() throws Exception {
        Path kubeconfig = TestKubeconfigs.pointingAt(dir, "http://127.0.0.1:9"); // nothing listens: writes fail
        String trace = dir.resolve("trace.csv").toString();
        Run recorded = run("", "--kubeconfig", kubeconfig.toString(), "--simulate", trace, "--cycles", "2");
        assertThat(recorded.code()).as(recorded.err()).isEqualTo(1);
        Path history = dir.resolve("data/history/simulate/house.csv");
        assertThat(Files.readAllLines(history)).hasSizeGreaterThanOrEqualTo(3); // a header and two cycles
        Run once = run("", "--simulate", trace, "--dry-run", "--once");
        assertThat(once.code()).as(once.err()).isZero();
        Run again = run("", "--kubeconfig", kubeconfig.toString(), "--simulate", trace, "--once");
        assertThat(again.err()).doesNotContain("not later than");
        assertThat(run("", "--dry-run", "--simulate", trace, "--once", "--cycles", "2").err().strip())
                .isEqualTo("error: --once runs one cycle and --cycles 2 runs 2: give one of them");
        Run both = run("", "--dry-run", "--install-crd", "--simulate", trace, "--once");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err().strip()).isEqualTo("error: --install-crd writes the CRD to the cluster and --dry-run "
                + "writes nothing: give one of them");
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

    static Stream<Arguments> badTraces() {
        return Stream.of(
                Arguments.of("house,senti,numbr\n1,2,3\n4,abc,6\n",
                        " line 3, column 'senti': 'abc' is not a number (expected a finite number >= 0)"),
                Arguments.of("house,senti,numbr\n1,-2,3\n",
                        " line 2, column 'senti': '-2' is negative (expected a finite number >= 0)"),
                Arguments.of("", ": is empty: expected a header row of service names"),
                Arguments.of("house,senti,numbr\n", " line 1: no data rows after the header (expected at least one row "
                        + "of numbers for house, senti, numbr)"));
    }

    /** A trace that is not one: the reader's one-line message (file, line, column, value, expectation), exit 2. */
    @ParameterizedTest
    @MethodSource("badTraces")
    void aBadSimulateTraceIsOneLineAndExit2(String content, String expected) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.csv"), content);
        Run r = run("", "--dry-run", "--simulate", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: " + bad + expected);
    }

    /**
     * --simulate: a configured service the profile lacks is blamed on the configuration, not on the trace; a trace
     * column no service reads is a warning.
     */
    @Test
    void simulateChecksTheServicesBeforeTheTraceAndWarnsOfColumnsNoServiceReads() throws Exception {
        Path cfg = dir.resolve("agent.yaml");
        Run r = run("", "--dry-run", "--once", "--simulate", dir.resolve("trace.csv").toString());
        assertThat(r.code()).as(r.err()).isZero();
        Files.writeString(cfg, Files.readString(cfg).replace("name: numbr", "name: number"));
        Path trace = Files.writeString(dir.resolve("named.csv"), "house,senti,numbr\n1,2,3\n");
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = AgentMain.run(new String[] {"--config", cfg.toString(), "--dry-run", "--once", "--simulate",
                    trace.toString()});
        } finally {
            System.setErr(saved);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("the profile's services are").doesNotContain(
                "has no column");
        Path extra = Files.writeString(dir.resolve("extra.csv"), "house,senti,numbr,billing\n1,2,3,4\n");
        try (ConsoleLog log = new ConsoleLog()) {
            Run ok = run("", "--dry-run", "--once", "--simulate", extra.toString());
            assertThat(ok.code()).as(ok.err()).isZero();
            assertThat(log.lines("WARN ", "TraceSource")).hasSize(1).allMatch(l -> l.endsWith("column 'billing' of "
                    + extra + " is not a service of the profile (house, senti, numbr): ignored"));
        }
    }

    /** A duration without a unit, accepted as seconds, is a warning in the agent's log at start. */
    @Test
    void aDurationWithoutAUnitIsWarnedOfAtStart() throws Exception {
        try (ConsoleLog log = new ConsoleLog()) {
            Run r = run("schedule: {period: 300}", "--dry-run", "--once", "--simulate",
                    dir.resolve("trace.csv").toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(log.lines("WARN ", "AgentMain")).hasSize(1).allMatch(l -> l.endsWith(dir.resolve("agent.yaml")
                    + ": schedule.period: '300' has no unit, so it is 300 seconds (about 5 minutes); write 300s if that "
                    + "is meant, else the unit meant (ms, s, m or h)"));
        }
    }

    @Test
    void aDirectoryToSimulateIsNamedAsOne() throws Exception {
        Path d = Files.createDirectory(dir.resolve("traces.csv"));
        Run r = run("", "--dry-run", "--simulate", d.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: --simulate " + d + ": is a directory, expected a trace CSV file");
        r = run("", "--dry-run", "--simulate", dir.resolve("none.csv").toString());
        assertThat(r.err().strip()).isEqualTo("error: --simulate " + dir.resolve("none.csv")
                + ": no such file, expected a trace CSV file");
    }

    /**
     * Without --dry-run the trace is still read and checked first: a bad one is refused before the Kubernetes
     * client connects anywhere, even with --install-crd (the "API server" here counts connections).
     */
    /** A run against an "API server" that only counts connections; returns the run and that count. */
    private Run runCountingApiConnections(AtomicInteger connections, String... args) throws Exception {
        try (ServerSocket api = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                while (!api.isClosed()) {
                    try (Socket s = api.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            server.setDaemon(true);
            server.start();
            Path kubeconfig = TestKubeconfigs.pointingAt(dir, "http://127.0.0.1:" + api.getLocalPort());
            String[] all = new String[args.length + 2];
            all[0] = "--kubeconfig";
            all[1] = kubeconfig.toString();
            System.arraycopy(args, 0, all, 2, args.length);
            return run("", all);
        }
    }

    @Test
    void aBadTraceIsRefusedBeforeAnythingTouchesTheCluster() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.csv"), "house,senti,numbr\n1,2,3\n4,abc,6\n");
        AtomicInteger connections = new AtomicInteger();
        Run r = runCountingApiConnections(connections, "--install-crd", "--simulate", bad.toString());
        assertThat(r.err().strip()).isEqualTo("error: " + bad + " line 3, column 'senti': 'abc' is not a number "
                + "(expected a finite number >= 0)");
        assertThat(r.code()).isEqualTo(2);
        assertThat(connections.get()).as("connections to the API server").isZero();
    }

    /** A state file the agent cannot resume from is refused before --install-crd writes the CRD. */
    @Test
    void aBadStateIsRefusedBeforeTheCrdIsInstalled() throws Exception {
        Path state = simulatedState().resolve("state.json");
        Files.createDirectories(state.getParent());
        Files.writeString(state, "{not json");
        AtomicInteger connections = new AtomicInteger();
        Run r = runCountingApiConnections(connections, "--install-crd", "--once", "--simulate",
                dir.resolve("trace.csv").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("error: " + state + ": ");
        assertThat(connections.get()).as("connections to the API server").isZero();
        assertThat(Files.readString(state)).isEqualTo("{not json");
    }

    @Test
    void aKubeconfigThatIsNotYamlIsOneLineAndExit2() throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "garbage: [\n");
        Run r = run("", "--kubeconfig", kubeconfig.toString(), "--simulate", dir.resolve("trace.csv").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: --kubeconfig " + kubeconfig + ": not valid YAML at line 2, "
                + "column 1: while parsing a flow node: expected the node content, but found '<stream end>'");
        r = run("", "--kubeconfig", dir.toString(), "--simulate", dir.resolve("trace.csv").toString());
        assertThat(r.err().strip()).isEqualTo("error: --kubeconfig " + dir + ": is a directory, expected a "
                + "kubeconfig file");
    }

    @Test
    void aConfigurationThatDoesNotExistIsOneLineWithoutAJavaClassName() throws Exception {
        Path none = dir.resolve("nosuch.yaml");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int code;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            code = AgentMain.run("--config", none.toString(), "--dry-run");
        } finally {
            System.setErr(saved);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("error: " + none + ": cannot read the configuration: no such file");
    }

    /** A corrupt state file: refused (exit 2) in one line of plain words, the file left for the operator. */
    @Test
    void aCorruptStateIsOneLineInPlainWordsAndExit2() throws Exception {
        Path state = simulatedState().resolve("state.json");
        Files.createDirectories(state.getParent());
        String content = """
                {"formatVersion":1,"time":"2026-11-22T10:00:55Z","services":["house","senti","numbr"],
                 "action":[0,0,0],"pods":[1,1,1],"resources":[1.0,1.0,1.0],"observation":null,"spec":{}}
                """;
        Files.writeString(state, content);
        Run r = run("", "--simulate", dir.resolve("trace.csv").toString(), "--dry-run");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: " + state + ": not a valid agent state: field 'cycles' is "
                + "missing, expected an integer; move it away to start from the initial state");
        assertThat(Files.readString(state)).isEqualTo(content);
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
            while (!(Files.exists(log) && Files.readString(log).contains("cycle 1 at"))) {
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

    /**
     * Leader election on, the API server refusing connections (a closed loopback port): --simulate and --once
     * give up after 2 x (leaseDuration + retryPeriod) (here 2.2 s) with one ERROR line naming the server and the
     * reason, exit 1; every failed attempt on the Lease is at most one line, none a stack trace. (They waited
     * forever, fabric8 printing a stack trace per attempt.)
     */
    @Test
    @Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
    void aOneShotRunThatCannotReachTheLeaseEndsWithOneLineAndExit1() throws Exception {
        String url = "http://127.0.0.1:" + TestKubeconfigs.closedPort() + "/";
        Path kubeconfig = TestKubeconfigs.pointingAt(dir, url);
        String election = "leaderElection: {enabled: true, leaseDuration: 1s, renewDeadline: 500ms, retryPeriod: 100ms}";
        for (String[] mode : new String[][] {{"--simulate", dir.resolve("trace.csv").toString(), "--cycles", "1"},
                {"--once"}}) {
            try (ConsoleLog log = new ConsoleLog()) {
                String[] args = new String[mode.length + 2];
                args[0] = "--kubeconfig";
                args[1] = kubeconfig.toString();
                System.arraycopy(mode, 0, args, 2, mode.length);
                Run r = run(election, args);
                assertThat(r.code()).as(mode[0]).isEqualTo(1);
                log.assertOneLineEach();
                assertThat(log.lines("ERROR", "")).hasSize(1).first().asString().contains(
                        "AgentLoop - gave up waiting to become the leader after 2200 ms: Lease default/drl-agent at "
                                + url + ": reading it failed: connection refused (");
                assertThat(log.lines("WARN", "LeaseElection")).isNotEmpty()
                        .allMatch(l -> l.contains("Lease default/drl-agent at " + url));
                assertThat(log.lines()).noneMatch(l -> l.contains("LeaderElector"));
            }
        }
    }

    /**
     * --once with leader election, the API server refusing the Lease (403): the run ends at the first refusal with
     * one ERROR line naming it and what to grant, exit 1, instead of waiting out 2 x (leaseDuration + retryPeriod)
     * (34 s with the defaults), which would not grant the rights.
     */
    @Test
    @Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
    void aOneShotRunRefusedTheLeaseEndsAtOnce() throws Exception {
        try (dev.kdrl.agent.k8s.MockKube kube = new dev.kdrl.agent.k8s.MockKube()) {
            kube.server.expect().get().withPath("/apis/coordination.k8s.io/v1/namespaces/default/leases/drl-agent")
                    .andReturn(403, new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(403)
                            .withReason("Forbidden").withMessage("leases.coordination.k8s.io \"drl-agent\" is "
                                    + "forbidden: User \"system:serviceaccount:default:drl-agent\" cannot get resource")
                            .build()).always();
            Path kubeconfig = TestKubeconfigs.pointingAt(dir, kube.client.getMasterUrl().toString());
            try (ConsoleLog log = new ConsoleLog()) {
                long t0 = System.nanoTime();
                Run r = run("leaderElection: {enabled: true}", "--kubeconfig", kubeconfig.toString(), "--once");
                long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
                assertThat(r.code()).isEqualTo(1);
                assertThat(seconds).as("ended before the 34 s bound").isLessThan(20);
                log.assertOneLineEach();
                assertThat(log.lines("ERROR", "")).singleElement().asString().contains("AgentLoop - gave up waiting "
                        + "to become the leader: Lease default/drl-agent at ").contains("reading it failed: forbidden "
                        + "(403)").contains("grant get, create and patch on leases.coordination.k8s.io")
                        .endsWith("(waiting does not grant it)");
            }
        }
    }

    /** A dry run in mode knative shows the values each Knative Service would get, not a DRLScaleAction. */
    @Test
    void aKnativeDryRunLogsWhatEachServiceWouldGet() throws Exception {
        try (ConsoleLog log = new ConsoleLog()) {
            Run r = run("apply: {mode: knative}", "--dry-run", "--simulate", dir.resolve("trace.csv").toString(),
                    "--cycles", "1");
            assertThat(r.code()).as(r.err()).isZero();
            List<String> lines = log.lines("INFO ", "KnativeSink");
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).matches(".* - dry run: would set Knative Service default/house: cpu \\d+m, "
                    + "target \\d+, min-scale and initial-scale \\d+; Knative Service default/senti: .*");
            assertThat(log.lines()).noneMatch(l -> l.contains("kind: DRLScaleAction"));
        }
    }
}
