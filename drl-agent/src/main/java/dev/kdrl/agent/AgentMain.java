package dev.kdrl.agent;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.config.ConfigException;
import dev.kdrl.agent.k8s.ActionSink;
import dev.kdrl.agent.k8s.ApiFailure;
import dev.kdrl.agent.k8s.Crd;
import dev.kdrl.agent.k8s.KubeClients;
import dev.kdrl.agent.k8s.Leadership;
import dev.kdrl.agent.k8s.LeaseElection;
import dev.kdrl.agent.k8s.LogSink;
import dev.kdrl.agent.k8s.ScaleActionWriter;
import dev.kdrl.agent.knative.KnativeApplier;
import dev.kdrl.agent.knative.KnativeHeld;
import dev.kdrl.agent.knative.KnativeSink;
import dev.kdrl.agent.knative.Reconciler;
import dev.kdrl.agent.loop.AgentBuilder;
import dev.kdrl.agent.loop.AgentLoop;
import dev.kdrl.agent.loop.HeldSource;
import dev.kdrl.agent.loop.LoadSource;
import dev.kdrl.agent.loop.PrometheusSource;
import dev.kdrl.agent.loop.Schedule;
import dev.kdrl.agent.loop.Sleeper;
import dev.kdrl.agent.loop.TraceSource;
import dev.kdrl.agent.ops.AgentMetrics;
import dev.kdrl.agent.ops.OpsServer;
import dev.kdrl.agent.prom.PrometheusClient;
import dev.kdrl.env.baseline.ExpectedValuePolicy;
import dev.kdrl.env.trace.TraceCsv;
import dev.kdrl.env.trace.TraceFormatException;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar drl-agent.jar --config agent.yaml}: the live agent. Exit codes: 0 done (or stopped by SIGTERM
 * after the cycle in progress), 1 a cycle failed in {@code --once}/{@code --simulate} (or could not run: not the
 * leader within {@link LeaseElection#oneShotWait}), 2 bad configuration or files.
 *
 * <p>Only the command line and the wiring live here: the loops in {@link AgentLoop}, leader election in
 * {@link LeaseElection}, the Kubernetes client in {@link KubeClients}.
 */
@Command(name = "drl-agent", mixinStandardHelpOptions = true, version = "drl-agent 0.1.0",
        description = {"The live autoscaling agent: every period it reads each service's load from Prometheus, "
                + "predicts the next period's load, asks the policy for each service's CPU and concurrency, and writes "
                + "the DRLScaleAction custom resource the Knative operator applies, or (apply.mode knative) patches the "
                + "Knative Services itself; apply.mode reconciler applies the DRLScaleAction resources others write.",
            "Configuration: one YAML file (see deploy/agent.yaml). Kubernetes access: --kubeconfig, else "
                + "-Dkubeconfig, $KUBECONFIG or ~/.kube/config, else the in-cluster service account."})
public final class AgentMain implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The agent's YAML configuration.")
    Path config;

    @Option(names = "--once", description = "Run one cycle now and exit (0 if the resource was written); with "
            + "--simulate, the trace's first row, timestamped as --simulate does.")
    boolean once;

    @Option(names = "--dry-run", description = "Log the custom resource instead of writing it; needs no cluster.")
    boolean dryRun;

    @Option(names = "--simulate", paramLabel = "TRACE",
            description = "Feed the loop from a trace CSV (columns = service names, one row per cycle) instead of "
                    + "Prometheus; cycles run back to back, timestamped one period apart from now.")
    Path simulate;

    @Option(names = "--install-crd", description = "Create or update the DRLScaleAction CRD before the first cycle.")
    boolean installCrd;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig file (default: "
            + "-Dkubeconfig, $KUBECONFIG, ~/.kube/config, else the in-cluster service account).")
    Path kubeconfig;

    @Option(names = "--cycles", paramLabel = "N", description = "Stop after N cycles (default: run until stopped).")
    Long maxCycles;

    private final AtomicBoolean ready = new AtomicBoolean();
    private final CountDownLatch loopDone = new CountDownLatch(1);

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line; returns the exit code. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new AgentMain());
        cl.setParameterExceptionHandler((e, given) -> {
            // a bad option or value: one line, picocli's suggestions for a misspelt option, and where the options
            // are (the whole usage scrolled the error away)
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("error: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, cmd.getErr());
            cmd.getErr().println("(options: java -jar drl-agent.jar --help)");
            cmd.getErr().flush();
            return 2;
        });
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // bad configuration or files: 2; what the cluster refused or could not serve at start: 1
            boolean badInput = e instanceof ConfigException || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException || e instanceof java.io.UncheckedIOException
                    || e instanceof TraceFormatException;
            if (!badInput && !(e instanceof ApiFailure)) {
                throw e;
            }
            cmd.getErr().println("error: " + e.getMessage());
            LOG.debug("details", e);
            return badInput ? 2 : 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (maxCycles != null && maxCycles < 1) {
            throw new IllegalArgumentException("--cycles " + maxCycles + ": expected a number of cycles >= 1");
        }
        if (maxCycles != null && once) {
            throw new IllegalArgumentException("--once runs one cycle and --cycles " + maxCycles + " runs "
                    + maxCycles + ": give one of them");
        }
        if (dryRun && installCrd) {
            throw new IllegalArgumentException("--install-crd writes the CRD to the cluster and --dry-run writes "
                    + "nothing: give one of them");
        }
        AgentConfig loaded = AgentConfig.load(config);
        loaded.warnings().forEach(LOG::warn);
        // a simulation's made-up loads and decisions never mix with the live history and state
        AgentConfig cfg = simulate == null ? loaded : loaded.withDirectories(
                loaded.historyDir().resolve("simulate"), loaded.stateDir().resolve("simulate"));
        if (simulate != null) {
            requireFile("--simulate", simulate, "a trace CSV file");
        }
        if (cfg.apply().mode() == AgentConfig.Apply.Mode.RECONCILER) {
            return reconcile(cfg);
        }
        // the services are checked against the profile, then the trace read and checked (every service a column),
        // before anything touches the cluster
        double quota = cfg.model().quota();
        LoadSource source = simulate != null ? new TraceSource(TraceCsv.read(simulate), cfg.serviceNames())
                : new PrometheusSource(new PrometheusClient(cfg.prometheus()), cfg.namespace());
        if (simulate == null) {
            PrometheusSource.checkAtStart(cfg);
        }
        AgentMetrics metrics = new AgentMetrics(cfg.serviceNames(), quota);
        boolean elect = cfg.leaderElection().enabled() && !dryRun;
        if (elect || installCrd) {
            // the model, predictors and state are checked before the CRD is written or a Lease is sought (without
            // either, building the agent below checks them before anything is written)
            AgentBuilder.validate(cfg);
        }
        KubernetesClient client = null;
        OpsServer ops = null;
        try {
            ActionSink sink;
            if (dryRun) {
                sink = cfg.apply().mode() == AgentConfig.Apply.Mode.KNATIVE
                        ? KnativeSink.dryRun(cfg.namespace(), cfg.services(),
                                cfg.apply().minScale() == AgentConfig.Apply.MinScale.NONE)
                        : new LogSink(cfg.namespace(), cfg.resourceName());
            } else {
                client = kubernetesClient();
                KubeClients.warnIfNamespaceMissing(client, cfg.namespace(), "every write there fails (404) until "
                        + "it is created");
                if (installCrd) {
                    Crd.install(client, true);
                    LOG.info("installed CRD {}", Crd.NAME);
                }
                ScaleActionWriter writer = new ScaleActionWriter(client, cfg.namespace(), cfg.resourceName(),
                        cfg.kubernetes().retries(), cfg.kubernetes().backoff());
                sink = switch (cfg.apply().mode()) {
                    case CR -> writer;
                    case KNATIVE -> new KnativeSink(applier(client, cfg, metrics, quota), cfg.services(),
                            cfg.apply().writeResource() ? writer : null);
                    case RECONCILER -> throw new IllegalStateException("unreachable: reconciler mode runs apart");
                };
            }
            LeaseElection election = elect ? new LeaseElection(client, cfg.namespace(), cfg.leaderElection(),
                    metrics) : null;
            Leadership leadership = elect ? election : Leadership.sole();
            Clock clock = Clock.systemUTC();
            // min-scale as in the cluster-faithful dynamics: each decision observes what the services hold
            HeldSource held = null;
            if (cfg.apply().mode() == AgentConfig.Apply.Mode.KNATIVE
                    && cfg.apply().minScale() != AgentConfig.Apply.MinScale.PAPER) {
                if (client == null) {
                    LOG.info("dry run: the decisions observe the pods and cores of the last decision as the paper "
                            + "model counts them, not the cluster's (apply.minScale {} reads them from the API "
                            + "server)", cfg.apply().minScale().label());
                } else {
                    if (simulate != null) {
                        LOG.info("--simulate: each decision observes what the services hold in the cluster when it "
                                + "is made, but the cycles follow one another at once, before Knative's autoscaler "
                                + "reacts to the last decision as it would within a period");
                    }
                    held = new KnativeHeld(client, cfg.namespace(), cfg.servicesInOrderOf(cfg.model()), clock);
                }
            }
            HeldSource heldSource = held;
            AgentLoop loop = new AgentLoop(() -> AgentBuilder.build(cfg, source, sink, metrics, !dryRun)
                    .readingHeld(heldSource), leadership,
                    metrics, clock, Sleeper.of(clock));
            if (elect) {
                // a standby must not open the history the leader is appending to: checked above, built when leading
                if (once || simulate != null) {
                    // started by hand: a Lease that cannot be had (API server unreachable, refused, held) ends the run
                    loop.leaderWait(LeaseElection.oneShotWait(cfg.leaderElection()));
                }
            } else {
                loop.prepare();
                metrics.globalGauge("drl.agent.leader", 1);
            }
            if (cfg.http().enabled()) {
                loop.livenessBound(AgentLoop.cycleBound(cfg));
                ops = new OpsServer(cfg.http().bind(), cfg.http().port(), loop::alive, ready::get,
                        metrics::scrape);
                LOG.info("health and metrics on http://{}:{}/metrics", cfg.http().bind(), ops.port());
            }
            if (elect) {
                election.start();
            }
            ready.set(true);
            LOG.info("ready {} ms after JVM start: {} services {}, policy {}, predictor {}, {}{}{}",
                    ManagementFactory.getRuntimeMXBean().getUptime(), cfg.services().size(), cfg.serviceNames(),
                    cfg.policy().model() != null ? cfg.policy().model() : cfg.policy().planner()
                            + (ExpectedValuePolicy.NAME.equals(cfg.policy().planner()) ? " (confidence "
                            + cfg.policy().confidence() + ")" : ""),
                    cfg.predictor().kind(), dryRun ? "dry run (nothing written or recorded)"
                            : cfg.apply().mode() == AgentConfig.Apply.Mode.KNATIVE ? "applying to the Knative "
                            + "Services of " + cfg.namespace() + (cfg.apply().writeResource() ? " and writing "
                            + cfg.resourceName() : "") : "writing " + cfg.namespace() + "/" + cfg.resourceName(), simulate != null ? ", simulating "
                            + simulate : "", elect ? ", leader election on Lease " + cfg.leaderElection().leaseName()
                            : "");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(loop), "drl-agent-stop"));
            Object previousTerm = onTerm(() -> {
                LOG.info("SIGTERM: stopping after the cycle in progress (its write's retries given up)");
                dev.kdrl.agent.ops.StopSignal.PROCESS.request();
                loop.stop();
            }, loopDone, "the loop");
            try {
                return run(loop, cfg);
            } finally {
                restoreTerm(previousTerm);
                loop.stop();
                leadership.close();
                loop.close();
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

    /** @param plannedQuota the quota the decisions are planned for; NaN for the reconciler (others' decisions) */
    private static KnativeApplier applier(KubernetesClient client, AgentConfig cfg, AgentMetrics metrics,
                                          double plannedQuota) {
        return new KnativeApplier(client, cfg.namespace(), cfg.kubernetes().retries(), cfg.kubernetes().backoff(),
                cfg.apply().revisions(), metrics.knativeEvents()).plannedFor(plannedQuota)
                .leavingPods(cfg.apply().minScale() == AgentConfig.Apply.MinScale.NONE);
    }

    /**
     * {@code apply.mode: reconciler}: no decisions, the DRLScaleAction resources of the namespace applied to the
     * Knative Services until SIGTERM.
     */
    private int reconcile(AgentConfig cfg) throws Exception {
        if (dryRun || once || simulate != null || maxCycles != null) {
            throw new IllegalArgumentException((dryRun ? "--dry-run" : once ? "--once" : simulate != null
                    ? "--simulate" : "--cycles") + ": apply.mode reconciler (" + cfg.source() + ") makes no "
                    + "decisions; it applies the DRLScaleAction resources others write until stopped");
        }
        AgentMetrics metrics = AgentMetrics.forReconciler(cfg.serviceNames());
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            if (!dev.kdrl.agent.ops.StopSignal.PROCESS.requested()) { // SIGTERM said so already
                LOG.info("stopping the reconciler");
            }
            dev.kdrl.agent.ops.StopSignal.PROCESS.request();
            stop.countDown();
            try {
                stopped.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "drl-agent-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Object previousTerm = onTerm(() -> {
            LOG.info("SIGTERM: stopping the reconciler");
            dev.kdrl.agent.ops.StopSignal.PROCESS.request();
            stop.countDown();
        }, stopped, "the reconciler");
        OpsServer ops = null;
        try (KubernetesClient client = kubernetesClient()) {
            KubeClients.warnIfNamespaceMissing(client, cfg.namespace(), "the reconciler waits for DRLScaleAction "
                    + "resources there, and none can be written until it is created");
            if (installCrd) {
                Crd.install(client, true);
                LOG.info("installed CRD {}", Crd.NAME);
            }
            if (cfg.http().enabled()) {
                ops = new OpsServer(cfg.http().bind(), cfg.http().port(), () -> stop.getCount() > 0, ready::get,
                        metrics::scrape);
                LOG.info("health and metrics on http://{}:{}/metrics", cfg.http().bind(), ops.port());
            }
            try (Reconciler reconciler = new Reconciler(client, cfg.namespace(), cfg.services(),
                    applier(client, cfg, metrics, Double.NaN), RECONCILER_RESYNC).onFailure(metrics::serviceFailure)) {
                reconciler.start();
                ready.set(true);
                LOG.info("ready {} ms after JVM start: reconciling DRLScaleAction resources in {} for {}",
                        ManagementFactory.getRuntimeMXBean().getUptime(), cfg.namespace(), cfg.services().stream()
                                .map(s -> s.name() + "->" + s.knativeService()).toList());
                stop.await();
            }
            return 0;
        } finally {
            if (ops != null) {
                ops.close();
            }
            stopped.countDown();
            restoreTerm(previousTerm);
        }
    }

    /** How often the reconciler looks at every resource again (a failed service is retried then). */
    static final java.time.Duration RECONCILER_RESYNC = java.time.Duration.ofSeconds(60);

    private int run(AgentLoop loop, AgentConfig cfg) throws InterruptedException {
        long cycles = maxCycles == null ? AgentLoop.UNLIMITED : maxCycles;
        if (simulate != null) {
            // --once: the trace's first row, timestamped as the simulation goes on (after the simulated history)
            return loop.simulate(cfg.schedule().period(), once ? 1 : cycles) ? 0 : 1;
        }
        if (once) {
            // stopped by SIGTERM before it could lead: a request, exit 0 as documented
            return loop.once() || loop.stoppedWhileWaitingToLead() ? 0 : 1;
        }
        loop.scheduled(new Schedule(cfg.schedule().period(), cfg.schedule().offset()), cycles);
        return 0;
    }

    /**
     * SIGTERM: stop after the cycle in progress. Nothing is interrupted (an interrupt would close the history
     * file's channel mid-append): the sleep between cycles wakes on a latch, and the hook waits until the
     * Lease is released and the files are closed.
     */
    private void stop(AgentLoop loop) {
        dev.kdrl.agent.ops.StopSignal.PROCESS.request();
        loop.stop();
        try {
            loopDone.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGTERM (Kubernetes stopping the pod) is a request, not a failure: {@code stopping} runs (the loop stops
     * after the cycle in progress; the reconciler after the reconciliation in progress), {@link #call} returns
     * and the process exits 0 (the JVM's default would be 143 after the shutdown hooks). If {@code done} has not
     * been counted down 30 s later it halts with 143. Without the JDK's signal API the shutdown hook alone applies
     * (the same stop, then exit 143).
     *
     * @return the handler replaced, to restore when the loop ends, or {@code null}
     */
    private static Object onTerm(Runnable stopping, CountDownLatch done, String what) {
        try {
            return sun.misc.Signal.handle(new sun.misc.Signal("TERM"), sig -> {
                stopping.run();
                Thread watchdog = new Thread(() -> {
                    try {
                        if (!done.await(30, TimeUnit.SECONDS)) {
                            LOG.error("{} did not stop within 30 s of SIGTERM; exiting 143", what);
                            Runtime.getRuntime().halt(143);
                        }
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                }, "drl-agent-term");
                watchdog.setDaemon(true);
                watchdog.start();
            });
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            LOG.debug("cannot handle SIGTERM; the shutdown hook stops the loop (exit 143)", e);
            return null;
        }
    }

    private static void restoreTerm(Object previous) {
        if (previous instanceof sun.misc.SignalHandler h) {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), h);
        }
    }

    private KubernetesClient kubernetesClient() {
        if (kubeconfig != null) {
            requireFile("--kubeconfig", kubeconfig, "a kubeconfig file");
        }
        KubernetesClient client = KubeClients.create(kubeconfig);
        LOG.info("Kubernetes API server {} ({})", client.getConfiguration().getMasterUrl(),
                KubeClients.source(kubeconfig));
        return client;
    }

    /** Refuses {@code file} unless it is a regular file, saying what it is instead. */
    private static void requireFile(String option, Path file, String expected) {
        if (Files.isRegularFile(file)) {
            return;
        }
        String is = Files.isDirectory(file) ? "is a directory" : Files.exists(file) ? "is not a regular file"
                : "no such file";
        throw new IllegalArgumentException(option + " " + file + ": " + is + ", expected " + expected);
    }
}
