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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
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
    private volatile Thread loopThread;
    private volatile CompletableFuture<?> election;

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
        long started = System.nanoTime();
        AgentConfig cfg = AgentConfig.load(config);
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
            Agent agent = AgentBuilder.build(cfg, source, sink, metrics);
            if (cfg.http().enabled()) {
                ops = new OpsServer(cfg.http().bind(), cfg.http().port(), () -> !stopping, ready::get,
                        metrics::scrape);
                LOG.info("health and metrics on http://{}:{}/metrics", cfg.http().bind(), ops.port());
            }
            boolean elect = cfg.leaderElection().enabled() && client != null;
            if (elect) {
                startElection(client, cfg, metrics);
            } else {
                leader.set(true);
                metrics.globalGauge("drl.agent.leader", 1);
            }
            ready.set(true);
            LOG.info("ready in {} ms: {} services {}, policy {}, predictor {}, {}{}",
                    (System.nanoTime() - started) / 1_000_000, cfg.services().size(), cfg.serviceNames(),
                    cfg.policy().model() != null ? cfg.policy().model() : cfg.policy().planner(),
                    cfg.predictor().kind(), dryRun ? "dry run" : "writing " + cfg.namespace() + "/"
                            + cfg.resourceName(), simulate != null ? ", simulating " + simulate : "");
            Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "drl-agent-stop"));
            try {
                return loop(agent, cfg);
            } finally {
                stopping = true;
                CompletableFuture<?> e = election;
                if (e != null) {
                    e.cancel(true);
                }
            }
        } finally {
            if (ops != null) {
                ops.close();
            }
            if (client != null) {
                client.close();
            }
        }
    }

    private int loop(Agent agent, AgentConfig cfg) throws InterruptedException {
        loopThread = Thread.currentThread();
        Schedule schedule = new Schedule(cfg.schedule().period(), cfg.schedule().offset());
        if (once) {
            return agent.runCycle(Instant.now()).written() ? 0 : 1;
        }
        if (simulate != null) {
            Instant t = Instant.now();
            boolean allWritten = true;
            for (long k = 0; agent.hasNextCycle() && !stopping && (maxCycles == null || k < maxCycles); k++) {
                CycleReport r = agent.runCycle(t);
                allWritten &= r.written();
                t = t.plus(cfg.schedule().period());
            }
            return allWritten ? 0 : 1;
        }
        long done = 0;
        Instant next = schedule.next(Instant.now());
        while (!stopping && (maxCycles == null || done < maxCycles)) {
            try {
                sleepUntil(next);
            } catch (InterruptedException e) {
                if (stopping) {
                    break;
                }
                throw e;
            }
            if (leader.get()) {
                agent.runCycle(next);
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

    private static void sleepUntil(Instant t) throws InterruptedException {
        long ms = Duration.between(Instant.now(), t).toMillis();
        while (ms > 0) {
            Thread.sleep(Math.min(ms, 1000));
            ms = Duration.between(Instant.now(), t).toMillis();
        }
    }

    private void stop() {
        stopping = true;
        Thread t = loopThread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(10_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
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
