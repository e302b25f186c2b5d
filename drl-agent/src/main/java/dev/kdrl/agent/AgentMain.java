package dev.kdrl.agent;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.config.ConfigException;
import dev.kdrl.agent.k8s.ActionSink;
import dev.kdrl.agent.k8s.Crd;
import dev.kdrl.agent.k8s.LogSink;
import dev.kdrl.agent.k8s.ScaleActionWriter;
import dev.kdrl.agent.loop.Agent;
import dev.kdrl.agent.loop.AgentBuilder;
import dev.kdrl.agent.loop.CycleReport;
import dev.kdrl.agent.loop.LoadSource;
import dev.kdrl.agent.loop.PrometheusSource;
import dev.kdrl.agent.loop.Schedule;
import dev.kdrl.agent.loop.TraceSource;
import dev.kdrl.agent.ops.AgentMetrics;
import dev.kdrl.agent.ops.OpsServer;
import dev.kdrl.agent.prom.PrometheusClient;
import dev.kdrl.env.trace.TraceCsv;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar drl-agent.jar --config agent.yaml}: the live agent. Exit codes: 0 done (or stopped), 1 a
 * cycle failed in {@code --once}/{@code --simulate}, 2 bad configuration or files.
 */
@Command(name = "drl-agent", mixinStandardHelpOptions = true, version = "drl-agent 0.1.0",
        description = {"The live autoscaling agent: every period it reads each service's load from Prometheus, "
                + "predicts the next period's load, asks the policy for each service's CPU and concurrency, and writes "
                + "the DRLScaleAction custom resource the Knative operator applies.",
            "Configuration: one YAML file (see deploy/agent.yaml). Kubernetes access: the in-cluster service "
                + "account, else $KUBECONFIG or ~/.kube/config, or --kubeconfig."})
public final class AgentMain implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The agent's YAML configuration.")
    Path config;

    @Option(names = "--once", description = "Run one cycle now and exit (0 if the resource was written).")
    boolean once;

    @Option(names = "--dry-run", description = "Log the custom resource instead of writing it; needs no cluster.")
    boolean dryRun;

    @Option(names = "--simulate", paramLabel = "TRACE",
            description = "Feed the loop from a trace CSV (columns = service names, one row per cycle) instead of "
                    + "Prometheus; cycles run back to back, timestamped one period apart from now.")
    Path simulate;

    @Option(names = "--install-crd", description = "Create or update the DRLScaleAction CRD before the first cycle.")
    boolean installCrd;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig file (default: in-cluster, "
            + "else $KUBECONFIG or ~/.kube/config).")
    Path kubeconfig;

    @Option(names = "--cycles", paramLabel = "N", description = "Stop after N cycles (default: run until stopped).")
    Long maxCycles;

    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicBoolean leader = new AtomicBoolean();
    private volatile boolean stopping;
    private final CountDownLatch loopDone = new CountDownLatch(1);
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile CompletableFuture<?> election;
    private final AtomicLong leaderEpoch = new AtomicLong();
    private long builtEpoch = -1;
    private Agent agent;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line; returns the exit code. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new AgentMain());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException || e instanceof java.io.UncheckedIOException) {
                cmd.getErr().println("error: " + e.getMessage());
                LOG.debug("details", e);
                return 2;
            }
            throw e;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        AgentConfig loaded = AgentConfig.load(config);
        // a simulation's made-up loads and decisions never mix with the live history and state
        AgentConfig cfg = simulate == null ? loaded : loaded.withDirectories(
                loaded.historyDir().resolve("simulate"), loaded.stateDir().resolve("simulate"));
        if (simulate != null && !Files.isRegularFile(simulate)) {
            throw new IllegalArgumentException("--simulate " + simulate + ": no such file");
        }
        AgentMetrics metrics = new AgentMetrics(cfg.serviceNames(), cfg.model().quota());
        KubernetesClient client = null;
        OpsServer ops = null;
        try {
            ActionSink sink;
            if (dryRun) {
                sink = new LogSink(cfg.namespace(), cfg.resourceName());
            } else {
                client = kubernetesClient();
                if (installCrd) {
                    Crd.install(client, true);
                    LOG.info("installed CRD {}", Crd.NAME);
                }
                sink = new ScaleActionWriter(client, cfg.namespace(), cfg.resourceName(),
                        cfg.kubernetes().retries(), cfg.kubernetes().backoff());
            }
            LoadSource source = simulate != null ? new TraceSource(TraceCsv.read(simulate), cfg.serviceNames())
                    : new PrometheusSource(new PrometheusClient(cfg.prometheus()), cfg.namespace());
            boolean elect = cfg.leaderElection().enabled() && client != null;
            Supplier<Agent> build = () -> {
                Agent a = AgentBuilder.build(cfg, source, sink, metrics, !dryRun);
                long epoch = leaderEpoch.get();
                // a leader that lost the Lease during a cycle must not write or save that cycle's decision
                a.guard(() -> leader.get() && leaderEpoch.get() == epoch);
                return a;
            };
            if (elect) {
                // a standby must not open the history the leader is appending to: check now, build when leading
                AgentBuilder.validate(cfg);
            } else {
                agent = build.get();
                builtEpoch = leaderEpoch.get();
                leader.set(true);
                metrics.globalGauge("drl.agent.leader", 1);
            }
            if (cfg.http().enabled()) {
                ops = new OpsServer(cfg.http().bind(), cfg.http().port(), () -> !stopping, ready::get,
                        metrics::scrape);
                LOG.info("health and metrics on http://{}:{}/metrics", cfg.http().bind(), ops.port());
            }
            if (elect) {
                startElection(client, cfg, metrics);
            }
            ready.set(true);
            LOG.info("ready {} ms after JVM start: {} services {}, policy {}, predictor {}, {}{}{}",
                    ManagementFactory.getRuntimeMXBean().getUptime(), cfg.services().size(), cfg.serviceNames(),
                    cfg.policy().model() != null ? cfg.policy().model() : cfg.policy().planner(),
                    cfg.predictor().kind(), dryRun ? "dry run (nothing written or recorded)" : "writing "
                            + cfg.namespace() + "/" + cfg.resourceName(), simulate != null ? ", simulating "
                            + simulate : "", elect ? ", leader election on Lease " + cfg.leaderElection().leaseName()
                            : "");
            Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "drl-agent-stop"));
            try {
                return loop(build, cfg, metrics);
            } finally {
                stopping = true;
                CompletableFuture<?> e = election;
                if (e != null) {
                    e.cancel(true);
                }
                if (agent != null) {
                    agent.close();
                }
            }
        } finally {
            if (ops != null) {
                ops.close();
            }
            if (client != null) {
                client.close(); // after the election was cancelled, which releases the Lease
            }
            loopDone.countDown(); // a shutdown hook waits for this: the Lease is released and files closed
        }
    }

    /**
     * The agent to run a cycle with, or {@code null} when this replica is not the leader. After (re)gaining
     * the lease the agent is rebuilt, so it continues from the history and state the previous leader left.
     */
    private Agent leading(Supplier<Agent> build) {
        if (!leader.get()) {
            return null;
        }
        long epoch = leaderEpoch.get();
        if (agent == null || builtEpoch != epoch) {
            if (agent != null) {
                agent.close();
            }
            agent = build.get();
            builtEpoch = epoch;
        }
        return agent;
    }

    private Agent awaitLeadership(Supplier<Agent> build) throws InterruptedException {
        Agent a = leading(build);
        if (a == null) {
            LOG.info("waiting to become the leader");
        }
        while (a == null && !stopping) {
            Thread.sleep(100);
            a = leading(build);
        }
        return a;
    }

    private int loop(Supplier<Agent> build, AgentConfig cfg, AgentMetrics metrics) throws InterruptedException {
        Schedule schedule = new Schedule(cfg.schedule().period(), cfg.schedule().offset());
        if (once) {
            Agent a = awaitLeadership(build);
            return a != null && a.runCycle(Instant.now()).written() ? 0 : 1;
        }
        if (simulate != null) {
            Instant t = Instant.now();
            boolean allWritten = true;
            List<Long> nanos = new ArrayList<>();
            for (long k = 0; !stopping && (maxCycles == null || k < maxCycles); k++) {
                Agent a = awaitLeadership(build);
                if (a == null || !a.hasNextCycle()) {
                    break;
                }
                CycleReport r = a.runCycle(t);
                nanos.add(r.decisionNanos());
                allWritten &= r.written();
                t = t.plus(cfg.schedule().period());
            }
            logSummary(nanos);
            return allWritten ? 0 : 1;
        }
        long done = 0;
        Instant next = schedule.next(Instant.now());
        while (!stopping && (maxCycles == null || done < maxCycles)) {
            sleepUntil(next);
            if (stopping) {
                break;
            }
            Agent a = leading(build);
            if (a != null) {
                try {
                    a.runCycle(next);
                } catch (RuntimeException e) {
                    // e.g. the history's disk is full: nothing was written for this cycle; keep running
                    LOG.error("cycle at {} failed: {}", next, e.toString(), e);
                    metrics.cycle(false);
                }
                done++;
            } else {
                LOG.debug("not the leader: skipping the cycle at {}", next);
            }
            Instant now = Instant.now();
            Instant following = schedule.next(next);
            if (following.isBefore(now)) {
                LOG.warn("cycle at {} ended after the next was due; skipping to the next slot", next);
                following = schedule.next(now);
            }
            next = following;
        }
        return 0;
    }

    /** Decision latency percentiles, JVM uptime and peak RSS of a simulation: the agent's benchmark figures. */
    private static void logSummary(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return;
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        LOG.info(String.format(Locale.ROOT, "simulated %d cycles: decision p50 %.3f ms, p99 %.3f ms, max %.3f ms; "
                        + "peak RSS %s", sorted.length, pct(sorted, 0.50) / 1e6, pct(sorted, 0.99) / 1e6,
                sorted[sorted.length - 1] / 1e6, peakRss()));
    }

    private static double pct(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return line.substring(6).strip();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not on Linux
        }
        return "unknown";
    }

    /** Sleeps until {@code t}, or less when a stop is asked. */
    private void sleepUntil(Instant t) throws InterruptedException {
        long ms = Duration.between(Instant.now(), t).toMillis();
        while (ms > 0 && !stopping) {
            stopSignal.await(Math.min(ms, 1000), TimeUnit.MILLISECONDS);
            ms = Duration.between(Instant.now(), t).toMillis();
        }
    }

    /**
     * SIGTERM: stop after the cycle in progress. Nothing is interrupted (an interrupt would close the history
     * file's channel mid-append): the sleep between cycles wakes on a latch, and the hook waits until the
     * Lease is released and the files are closed.
     */
    private void stop() {
        stopping = true;
        stopSignal.countDown();
        try {
            loopDone.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }

    private KubernetesClient kubernetesClient() {
        if (kubeconfig != null) {
            if (!Files.isRegularFile(kubeconfig)) {
                throw new IllegalArgumentException("--kubeconfig " + kubeconfig + ": no such file");
            }
            System.setProperty("kubeconfig", kubeconfig.toAbsolutePath().toString());
        }
        // the writer retries 409 and 5xx itself, with the configured budget: fabric8's own retries are off
        Config config = new ConfigBuilder(Config.autoConfigure(null)).withRequestRetryBackoffLimit(0).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** Runs the Lease election in the background; after losing the lease it stands for election again. */
    private void startElection(KubernetesClient client, AgentConfig cfg, AgentMetrics metrics) {
        AgentConfig.LeaderElection le = cfg.leaderElection();
        LeaderElector elector = client.leaderElector()
                .withConfig(new LeaderElectionConfigBuilder()
                        .withName(le.leaseName())
                        .withLock(new LeaseLock(cfg.namespace(), le.leaseName(), le.identity()))
                        .withLeaseDuration(le.leaseDuration())
                        .withRenewDeadline(le.renewDeadline())
                        .withRetryPeriod(le.retryPeriod())
                        .withReleaseOnCancel()
                        .withLeaderCallbacks(new LeaderCallbacks(
                                () -> {
                                    leaderEpoch.incrementAndGet();
                                    leader.set(true);
                                    metrics.globalGauge("drl.agent.leader", 1);
                                    LOG.info("{} is now the leader ({}/{})", le.identity(), cfg.namespace(),
                                            le.leaseName());
                                },
                                () -> {
                                    leader.set(false);
                                    metrics.globalGauge("drl.agent.leader", 0);
                                    LOG.warn("{} stopped leading", le.identity());
                                },
                                id -> LOG.info("leader is {}", id)))
                        .build())
                .build();
        CompletableFuture<?> f = elector.start();
        election = f;
        f.whenComplete((r, e) -> {
            leader.set(false);
            if (!stopping) {
                LOG.warn("leader election ended ({}); standing again", e == null ? "lease lost" : e.toString());
                startElection(client, cfg, metrics);
            }
        });
    }
}
