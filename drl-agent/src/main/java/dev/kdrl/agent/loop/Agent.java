package dev.kdrl.agent.loop;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.k8s.ActionSink;
import dev.kdrl.agent.k8s.ScaleActionSpec;
import dev.kdrl.agent.k8s.WriteFailure;
import dev.kdrl.agent.ops.AgentMetrics;
import dev.kdrl.agent.prom.FailureKind;
import dev.kdrl.agent.prom.QueryFailure;
import dev.kdrl.agent.store.AgentState;
import dev.kdrl.agent.store.HistoryFile;
import dev.kdrl.agent.store.StateStore;
import dev.kdrl.core.policy.Policy;
import dev.kdrl.core.predict.Forecast;
import dev.kdrl.core.predict.TrafficPredictor;
import dev.kdrl.env.quota.InitialState;
import dev.kdrl.env.quota.Observation;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.quota.ServiceConfig;
import dev.kdrl.env.quota.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live agent's cycle. For each service: read its load, append it to its history, predict the coming
 * period's load. Then: build the state from the previous decision's bookkeeping and the predicted loads
 * ({@link QuotaModel#resume}, the simulator's own function), ask the policy, take the decision
 * ({@link QuotaModel#decide}, also the simulator's), write the custom resource, save the state.
 *
 * <p>A failed query never fails the cycle: that service's prediction comes from its history as it stands
 * (the last value, or what the predictor forecasts from it; 0 with no history at all), and the failure is
 * counted. When no service has a load to go on at all (every query failed, no history), the cycle holds the last
 * decision: nothing is decided or written. A failed write fails the cycle: the state is not advanced, because the
 * cluster did not change.
 *
 * <p>A cycle's number, in its log lines and {@link CycleReport#cycle()}, is the decision count {@code state.json}
 * keeps ({@link AgentState#cycles()}) once that cycle's decision is saved: the decisions saved before it, plus one.
 * It continues across restarts and leader terms (the first cycle after a state of 41 decisions is cycle 42), and a
 * cycle that saves no decision (its write failed, or it held the last decision) leaves it to the next cycle, which
 * logs the same number.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final QuotaModel model;
    private final Observation observation;
    private final List<AgentConfig.Service> services;
    private final List<HistoryFile> histories;
    /** Per service: the largest plausible load, and the most pods a written decision may give it. */
    private final double[] maxLoad;
    private final int[] maxPods;
    private final List<TrafficPredictor> predictors;
    private final Policy<double[], int[]> policy;
    private final LoadSource source;
    private final ActionSink sink;
    private final StateStore store;
    private final AgentMetrics metrics;
    private final boolean persist;

    private AgentState last;
    private QuotaState current;
    private java.util.function.BooleanSupplier mayWrite = () -> true;
    /** Cycles this agent ran: what the source is asked for ({@link LoadSource#read}), not the logged number. */
    private long runs;

    /**
     * @param observation what the policy reads of the state ({@link Observation#of}, as in the simulator)
     * @param services   configured services in model order
     * @param histories  their history files, same order
     * @param predictors their predictors, same order
     * @param policy     the policy; a planner may read {@link #currentState()}
     * @param restored   the state restored at start, or {@code null} for the model's initial state
     * @param persist    save the state after each written decision (false in a dry run)
     */
    public Agent(QuotaModel model, Observation observation, List<AgentConfig.Service> services,
                 List<HistoryFile> histories, List<TrafficPredictor> predictors, Policy<double[], int[]> policy,
                 LoadSource source, ActionSink sink, StateStore store, AgentMetrics metrics, AgentState restored,
                 boolean persist) {
        this.model = model;
        this.observation = java.util.Objects.requireNonNull(observation, "observation");
        this.services = List.copyOf(services);
        this.histories = List.copyOf(histories);
        this.predictors = List.copyOf(predictors);
        this.policy = policy;
        this.source = source;
        this.sink = sink;
        this.store = store;
        this.metrics = metrics;
        this.last = restored;
        this.persist = persist;
        this.maxLoad = new double[this.services.size()];
        this.maxPods = new int[this.services.size()];
        for (int i = 0; i < maxLoad.length; i++) {
            AgentConfig.Service s = this.services.get(i);
            maxLoad[i] = s.maxLoad() != null ? s.maxLoad() : defaultMaxLoad(model, i);
            maxPods[i] = s.podCap();
        }
    }

    /** The loads the model was trained on ({@code null}: a planner, or a model that recorded none). */
    private dev.kdrl.core.policy.TrainedLoads trained;
    /**
     * Per service: whether a load outside {@link #trained} was warned of (once per service and agent: per process,
     * and again at each leader term, which builds a new agent).
     */
    private boolean[] warnedOutside;

    /**
     * Counts, and warns once per service, of a predicted load well outside those the model was trained on
     * ({@link dev.kdrl.core.policy.TrainedLoads#outside}), where its decisions are extrapolation; {@code null}:
     * nothing to warn of.
     */
    public synchronized Agent trainedLoads(dev.kdrl.core.policy.TrainedLoads t) {
        this.trained = t;
        this.warnedOutside = new boolean[services.size()];
        return this;
    }

    /** The read phase's bound: a service whose value is not read within it is a timeout; {@code null}: none. */
    private Duration deadline;
    private java.util.concurrent.ExecutorService readers;

    /** The failure message of a value late for the deadline (built once: see {@link #deadline}). */
    private String lateMessage;

    /** Reads all services at once, each value due within {@code d} of the cycle's start. */
    public synchronized Agent deadline(Duration d) {
        this.deadline = d;
        this.lateMessage = "no value within the cycle's deadline of " + d.toMillis() + " ms";
        if (readers == null) {
            java.util.concurrent.atomic.AtomicInteger k = new java.util.concurrent.atomic.AtomicInteger();
            readers = java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "drl-agent-read-" + k.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            warmLatePath();
        }
        return this;
    }

    /**
     * Runs once what {@link #readAll} does when a value is late: that path runs only then, so in a fresh JVM its
     * first run (class loading and linking, on a busy machine) made the first late cycle overrun its deadline by up
     * to 250 ms in the soak (SoakIT); run here, at start, it is ready when it must be quick.
     */
    private void warmLatePath() {
        java.util.concurrent.Future<Double> f = readers.submit(() -> {
            Thread.sleep(60_000);
            return 0.0;
        });
        try {
            f.get(1, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException expected) {
            LOG.trace("{}", new QueryFailure(FailureKind.TIMEOUT, lateMessage).getMessage());
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            f.cancel(true);
        }
    }

    /**
     * Every service's load, read at once and waited for until the deadline; a value not read by then is a
     * {@code timeout} failure (its read is cancelled). Without a deadline, one after another.
     */
    private Object[] readAll(long run, long cycle, Instant time) throws InterruptedException {
        int n = services.size();
        Object[] out = new Object[n];
        if (deadline == null) {
            for (int i = 0; i < n; i++) {
                try {
                    out[i] = source.read(services.get(i), run, time);
                } catch (QueryFailure f) {
                    out[i] = f;
                }
            }
            return out;
        }
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        List<java.util.concurrent.Future<Double>> futures = new ArrayList<>();
        for (AgentConfig.Service s : services) {
            futures.add(readers.submit(() -> source.read(s, run, time)));
        }
        for (int i = 0; i < n; i++) {
            java.util.concurrent.Future<Double> f = futures.get(i);
            try {
                out[i] = f.get(Math.max(0, end - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                f.cancel(true);
                out[i] = new QueryFailure(FailureKind.TIMEOUT, lateMessage);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof QueryFailure q) {
                    out[i] = q;
                } else if (c instanceof RuntimeException r) {
                    futures.forEach(x -> x.cancel(true));
                    throw r;
                } else {
                    futures.forEach(x -> x.cancel(true));
                    throw new IllegalStateException("reading " + services.get(i).name() + ": " + c, c);
                }
            } catch (InterruptedException e) {
                futures.forEach(x -> x.cancel(true));
                throw e;
            }
        }
        // what the soak (SoakIT) checks against the deadline, at DEBUG only
        LOG.debug("cycle {}: loads read in {} ms (deadline {} ms)", cycle,
                (System.nanoTime() - start) / 1_000_000, deadline.toMillis());
        return out;
    }

    /** How many times the largest load a decision can serve within the quota counts as plausible. */
    public static final double DEFAULT_MAX_LOAD_FACTOR = 10;

    /**
     * The default {@code maxLoad} of service {@code i}: {@link #DEFAULT_MAX_LOAD_FACTOR} times the largest load
     * any of its configurations can serve within the whole quota (quota / cpu pods, each at the target
     * utilisation of its concurrency).
     */
    public static double defaultMaxLoad(QuotaModel model, int i) {
        double best = 0;
        for (int a = 0; a < model.service(i).numActions(); a++) {
            ServiceConfig c = model.service(i).config(a);
            best = Math.max(best, Math.floor(model.quota() / c.cpu()) * c.concurrency() * QuotaModel.TARGET_UTILISATION);
        }
        return DEFAULT_MAX_LOAD_FACTOR * Math.max(best, 1);
    }

    /**
     * A check made right before writing: when it says no (e.g. this replica lost the Lease during the
     * cycle), the decision is neither written nor saved.
     */
    public synchronized void guard(java.util.function.BooleanSupplier check) {
        this.mayWrite = check;
    }

    /** The state the policy is deciding in (for planners that read the full state). */
    public synchronized QuotaState currentState() {
        return current;
    }

    /** The latest time any service's history recorded, or {@code null} when none has a row. */
    public synchronized Instant lastRecorded() {
        Instant last = null;
        for (HistoryFile h : histories) {
            List<Instant> times = h.times();
            if (!times.isEmpty() && (last == null || times.get(times.size() - 1).isAfter(last))) {
                last = times.get(times.size() - 1);
            }
        }
        return last;
    }

    /**
     * The recorded load as rows, oldest first, one per cycle whose load every service recorded (the histories
     * matched by timestamp: a cycle whose query failed for one service is left out), at most the last
     * {@code maxRows}; columns in model order. What a planner learns the traffic's movement from.
     */
    public synchronized double[][] recentTraffic(int maxRows) {
        int n = histories.size();
        // the tails of the histories suffice: each holds at most one value per cycle
        java.util.Map<java.time.Instant, double[]> byTime = new java.util.TreeMap<>();
        for (int i = 0; i < n; i++) {
            double[] values = histories.get(i).values();
            List<java.time.Instant> times = histories.get(i).times();
            int from = Math.max(0, values.length - 2 * maxRows);
            for (int k = from; k < values.length; k++) {
                double[] row = byTime.computeIfAbsent(times.get(k), t -> {
                    double[] r = new double[n];
                    Arrays.fill(r, Double.NaN);
                    return r;
                });
                row[i] = values[k];
            }
        }
        List<double[]> rows = new ArrayList<>();
        for (double[] row : byTime.values()) {
            if (Arrays.stream(row).noneMatch(Double::isNaN)) {
                rows.add(row);
            }
        }
        return rows.subList(Math.max(0, rows.size() - maxRows), rows.size()).toArray(new double[0][]);
    }

    /** The last decision written (restored or made by this process), or {@code null}. */
    public synchronized AgentState lastState() {
        return last;
    }

    private void warnIfUntrained(long cycle, int i, double load) {
        if (trained == null) {
            return;
        }
        String name = services.get(i).name();
        int k = trained.services().indexOf(name);
        if (k < 0 || !trained.outside(k, load)) {
            return;
        }
        metrics.untrainedLoad(name);
        if (!warnedOutside[i]) {
            warnedOutside[i] = true;
            LOG.warn("cycle {}: {}'s predicted load {} is well outside the {} the model was trained on: its decisions "
                    + "there are extrapolation (said once per service and leader term; retrain on traffic that shows such "
                    + "loads)",
                    cycle, name, Math.round(load), trained.range(k));
        }
    }

    /** Whether the source can serve another cycle. */
    public synchronized boolean hasNextCycle() {
        return source.hasCycle(runs);
    }

    /**
     * The number the next cycle logs: the decisions the saved state counts ({@link AgentState#cycles()}, restored or
     * saved by this agent), plus one.
     */
    public synchronized long nextCycle() {
        return (last == null ? 0 : last.cycles()) + 1;
    }

    /** Runs one cycle scheduled at {@code time}. Never throws for a query or write failure. */
    public synchronized CycleReport runCycle(Instant time) throws InterruptedException {
        int n = model.numServices();
        long run = runs++;
        long cycle = nextCycle();
        double[] observed = new double[n];
        List<String> failures = new ArrayList<>();
        double[] predicted = new double[n];
        double[] traffic = new double[n];
        long decisionNanos = 0;
        Object[] read = readAll(run, cycle, time);
        for (int i = 0; i < n; i++) {
            AgentConfig.Service s = services.get(i);
            String failure = null;
            try {
                if (read[i] instanceof QueryFailure q) {
                    throw q;
                }
                double v = (Double) read[i];
                if (v > maxLoad[i]) {
                    throw new QueryFailure(FailureKind.IMPLAUSIBLE, "load " + v + " is above maxLoad " + maxLoad[i]
                            + (s.maxLoad() == null ? " (the default: " + DEFAULT_MAX_LOAD_FACTOR + " x what the quota"
                            + " can serve)" : "") + "; not recorded");
                }
                try {
                    observed[i] = histories.get(i).append(time, v);
                } catch (dev.kdrl.agent.store.HistoryFile.OutOfOrder o) {
                    throw new QueryFailure(FailureKind.OUT_OF_ORDER, "read " + v + ", but " + o.getMessage());
                }
            } catch (QueryFailure f) {
                observed[i] = Double.NaN;
                failure = f.getMessage();
                metrics.queryFailure(s.name(), f.kind().label());
                LOG.warn("cycle {}: query for {} failed ({}); predicting from its history", cycle, s.name(),
                        f.getMessage());
            }
            failures.add(failure);
            long t0 = System.nanoTime();
            Forecast f = predictors.get(i).forecast(histories.get(i).values(), 1);
            predicted[i] = f.next();
            if (f.isFallback()) {
                LOG.info("cycle {}: {} predicted by fallback: {}", cycle, s.name(), f.fallbackReason());
            }
            if (predicted[i] > maxLoad[i]) {
                // a forecast may extrapolate beyond what a query may return (Holt's trend): decided at that bound
                LOG.warn("cycle {}: {}'s predicted load {} is above maxLoad {}: decided for {}", cycle, s.name(),
                        predicted[i], maxLoad[i], maxLoad[i]);
            }
            // the paper model sees whole users, as the published agent rounded them; the cluster-faithful
            // simulator (apply.minScale decision or none) shows its predictor's forecast as it is
            double bounded = Math.min(predicted[i], maxLoad[i]);
            traffic[i] = minScale == AgentConfig.Apply.MinScale.PAPER ? Math.round(bounded) : bounded;
            decisionNanos += System.nanoTime() - t0;
            metrics.serviceGauge("drl.agent.observed.load", s.name(), observed[i]);
            metrics.serviceGauge("drl.agent.predicted.load", s.name(), predicted[i]);
        }

        if (histories.stream().allMatch(h -> h.values().length == 0)) {
            return held(cycle, time, observed, failures, predicted, decisionNanos);
        }
        for (int i = 0; i < n; i++) {
            // a service without history is predicted by a fallback (0), not from any load
            if (histories.get(i).values().length > 0) {
                warnIfUntrained(cycle, i, traffic[i]);
            }
        }
        HeldSource.Held inCluster = readHeld(); // an API call: not part of the decision's latency
        long t0 = System.nanoTime();
        current = stateFor(traffic, inCluster);
        double[] observation = current.observation();
        int[] action = policy.act(this.observation.of(model, current));
        Transition t = model.decide(current, action);
        int[] podcount = podsToWrite(t, current);
        Map<String, String> spec = ScaleActionSpec.render(model, t.action(), podcount);
        decisionNanos += System.nanoTime() - t0;
        metrics.decisionNanos(decisionNanos);
        double requested = requestedCores(t, podcount);
        boolean overQuota = requested > model.quota();

        AgentState decided = new AgentState(StateStore.FORMAT_VERSION, cycle, time.toString(), model.serviceNames(),
                t.action(), t.pods(), t.resources(), observation, spec);
        String outcome;
        boolean written;
        boolean savedPending = false;
        try {
            if (!mayWrite.getAsBoolean()) {
                throw new WriteFailure(WriteFailure.Kind.NOT_LEADER, "this replica lost the Lease during the cycle;"
                        + " nothing written", null);
            }
            for (int i = 0; i < n && minScale != AgentConfig.Apply.MinScale.NONE; i++) {
                if (podcount[i] > maxPods[i]) {
                    throw new WriteFailure(WriteFailure.Kind.IMPLAUSIBLE, model.service(i).name() + " would get "
                            + podcount[i] + " pods, above its maxPods " + maxPods[i] + "; nothing written", null);
                }
            }
            if (persist) {
                // a crash between the write and the state save is settled at start (AgentBuilder)
                store.savePending(decided);
                savedPending = true;
            }
            outcome = sink.write(spec);
            written = true;
        } catch (WriteFailure e) {
            outcome = e.getMessage();
            written = false;
            metrics.writeFailure(e.kind().label());
            if (persist) {
                settleFailedWrite(e, decided, savedPending);
            }
        }
        if (written) {
            last = decided;
            if (persist) {
                store.save(last);
            }
            // with none the decision asks for no pods (Knative's autoscaler sizes them), so for no cores of its own
            boolean podsDecided = minScale != AgentConfig.Apply.MinScale.NONE;
            for (int i = 0; i < n; i++) {
                ServiceConfig c = model.service(i).config(action[i]);
                String name = model.service(i).name();
                metrics.serviceGauge("drl.agent.cpu.millicores", name, c.cpu() * 1000);
                metrics.serviceGauge("drl.agent.concurrency.target", name, c.concurrency());
                if (podsDecided) {
                    metrics.serviceGauge("drl.agent.pods", name, podcount[i]);
                }
            }
            metrics.globalGauge("drl.agent.requested.cores", podsDecided ? requested : Double.NaN);
            metrics.globalGauge("drl.agent.predicted.over.quota", podsDecided ? (overQuota ? 1 : 0) : Double.NaN);
        }
        metrics.cycle(written);
        CycleReport report = new CycleReport(cycle, time, model.serviceNames(), observed, failures, predicted,
                observation, t.action(), podcount, requested, overQuota, spec, written, outcome, decisionNanos);
        log(report);
        return report;
    }

    /**
     * What the state becomes after a write that failed. When some services' part of the decision was applied all the
     * same (mode {@code knative}), the cluster holds a mix of the two decisions, and so does the saved state: those
     * services take {@code decided}'s configuration, pods and fields, the others keep the last decision's, so that
     * the next decision starts from what the cluster runs. Otherwise nothing was applied, and the pending decision
     * this cycle saved is forgotten when the write was refused for certain (403, 404); any other failure may have
     * reached the server, and the next start settles it by reading the cluster. A pending decision this cycle did not
     * save (it failed before writing: not the leader, a service above its maxPods) is left as it is: it belongs to an
     * earlier cycle, or to the replica now leading.
     */
    private void settleFailedWrite(WriteFailure e, AgentState decided, boolean savedPending) {
        if (!e.applied().isEmpty()) {
            last = partlyApplied(decided, e.applied());
            store.save(last);
            LOG.warn("only {} of the decision applied; the saved state records them, the other services keep the "
                    + "previous decision's configuration", String.join(", ", e.applied()));
        } else if (savedPending && (e.kind() == WriteFailure.Kind.FORBIDDEN
                || e.kind() == WriteFailure.Kind.NOT_FOUND)) {
            store.clearPending();
        }
    }

    /** {@code decided} for the services in {@code applied}, the last decision (or the initial state) for the others. */
    private AgentState partlyApplied(AgentState decided, java.util.Set<String> applied) {
        InitialState init = model.initial();
        int[] action = (last == null ? init.action() : last.action()).clone();
        int[] pods = (last == null ? init.pods() : last.pods()).clone();
        double[] resources = (last == null ? init.resources() : last.resources()).clone();
        Map<String, String> spec = new java.util.TreeMap<>(last == null ? Map.of() : last.spec());
        for (int i = 0; i < model.numServices(); i++) {
            String name = model.service(i).name();
            if (applied.contains(name)) {
                action[i] = decided.action()[i];
                pods[i] = decided.pods()[i];
                resources[i] = decided.resources()[i];
                String prefix = "service" + name + "_";
                decided.spec().forEach((k, v) -> {
                    if (k.startsWith(prefix)) {
                        spec.put(k, v);
                    }
                });
            }
        }
        return new AgentState(decided.formatVersion(), decided.cycles(), decided.time(), decided.services(), action,
                pods, resources, decided.observation(), spec);
    }

    /**
     * A cycle in which no service has a load to go on: every query failed and no history holds a value (Prometheus
     * down since the agent's history began). Deciding would size every service for no load (0 pods in the
     * {@code paper} profile, whose minimum is 0), so the cycle holds the last decision instead: nothing is decided
     * or written, the state does not advance, the cycle counts as failed; the cluster keeps what it has.
     */
    private CycleReport held(long cycle, Instant time, double[] observed, List<String> failures, double[] predicted,
                             long decisionNanos) {
        metrics.cycle(false);
        InitialState init = model.initial();
        String outcome = "held the last decision" + (last == null ? " (none written yet)" : " of " + last.time())
                + ": no service has a load to go on (every query failed, no history); nothing decided or written";
        CycleReport r = new CycleReport(cycle, time, model.serviceNames(), observed, failures, predicted,
                last == null ? new double[0] : last.observation(), last == null ? init.action() : last.action(),
                last == null ? init.pods() : last.pods(), last == null ? 0 : Arrays.stream(last.resources()).sum(),
                false, last == null ? Map.of() : last.spec(), false, outcome, decisionNanos);
        LOG.warn(String.format(Locale.ROOT, "cycle %d at %s: load(observed->predicted) %s | %s", cycle, time,
                loads(r), outcome));
        return r;
    }

    /**
     * The state before this cycle's decision: the last decision's configurations with the predicted traffic, and its
     * pods and cores as the paper model counts them, or with a {@link #readingHeld held source} as the cluster holds
     * them (the same function builds the simulators' states: {@link QuotaModel#resume}).
     */
    private QuotaState stateFor(double[] traffic, HeldSource.Held inCluster) {
        InitialState init = model.initial();
        int step = last == null ? 0 : model.liveStep(last.cycles());
        int[] action = last == null ? init.action() : last.action();
        int[] pods = last == null ? init.pods() : last.pods();
        double[] resources = last == null ? init.resources() : last.resources();
        if (inCluster != null) {
            pods = inCluster.pods();
            resources = inCluster.cores();
        }
        return model.resume(step, action, pods, resources, traffic);
    }

    /**
     * What the {@link #readingHeld held source} reads now, logged; {@code null} without one or when it fails
     * (warned when the reason is new, then at debug level until a read succeeds).
     */
    private HeldSource.Held readHeld() {
        if (held == null) {
            return null;
        }
        try {
            HeldSource.Held h = held.read();
            if (heldFailure != null) {
                LOG.info("reading what the services hold in the cluster works again");
                heldFailure = null;
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < h.pods().length; i++) {
                sb.append(i == 0 ? "" : ", ").append(model.service(i).name()).append(' ').append(h.pods()[i])
                        .append(" pods ").append(String.format(Locale.ROOT, "%.3f", h.cores()[i])).append(" cores");
                heldGauges(i, h.pods()[i], h.cores()[i]);
            }
            LOG.info("held in the cluster: {}", sb);
            compareOverhead(h);
            return h;
        } catch (RuntimeException e) {
            for (int i = 0; i < model.numServices(); i++) {
                heldGauges(i, Double.NaN, Double.NaN);
            }
            String why = String.valueOf(e.getMessage());
            if (!why.equals(heldFailure)) {
                LOG.warn("cannot read what the services hold in the cluster ({}): the decisions observe the last "
                        + "decision's pods and cores as the paper model counts them until it can (said again when "
                        + "the reason changes)", why);
            } else {
                LOG.debug("still cannot read what the services hold in the cluster ({})", why);
            }
            heldFailure = why;
            return null;
        }
    }

    /** Publishes what was read of service {@code i} ({@code NaN}: the read failed). */
    private void heldGauges(int i, double pods, double cores) {
        metrics.serviceGauge("drl.agent.held.pods", model.service(i).name(), pods);
        metrics.serviceGauge("drl.agent.held.cores", model.service(i).name(), cores);
    }

    /** Why the last read of the held source failed; {@code null} after a success. */
    private String heldFailure;

    /**
     * What a model's training charged each pod beyond its container's CPU limit.
     *
     * @param model     the model's file
     * @param perService cores per pod, per service in model order (its {@code queueProxyCpu})
     */
    public record TrainedOverhead(String model, double[] perService) {
    }

    /** What the policy's training charged a pod beyond its container's limit; {@code null}: not compared. */
    private TrainedOverhead trainedOverhead;
    /** Per service: whether a difference was warned of since the last read that matched the training. */
    private boolean[] warnedOverhead;

    /**
     * Compares, at each read of the {@link #readingHeld held source}, what the cluster charges a pod of each
     * service's newest Revision beyond its container's CPU limit with what {@code t} says the policy's training
     * charged (the cluster-faithful simulator's {@code queueProxyCpu}), and warns of a difference of 1m or more
     * (again only after a read that matches): the cores the policy observes held are then not those it saw in
     * training. {@code null}: nothing compared. Returns this agent.
     */
    public synchronized Agent trainedPodOverhead(TrainedOverhead t) {
        this.trainedOverhead = t;
        this.warnedOverhead = new boolean[services.size()];
        return this;
    }

    /** Warns of pods charged otherwise beyond their container's limit than in the policy's training. */
    private void compareOverhead(HeldSource.Held h) {
        if (trainedOverhead == null || h.podOverhead() == null) {
            return;
        }
        for (int i = 0; i < h.podOverhead().length; i++) {
            double read = h.podOverhead()[i];
            double trainedWith = trainedOverhead.perService()[i];
            if (Double.isNaN(read)) {
                continue; // no pod of the newest Revision to read
            }
            if (Math.abs(read - trainedWith) < 0.001 - 1e-9) {
                warnedOverhead[i] = false;
                continue;
            }
            if (warnedOverhead[i]) {
                continue;
            }
            warnedOverhead[i] = true;
            String name = model.service(i).name();
            LOG.warn(String.format(Locale.ROOT, "%s: a pod of its newest Revision is charged %s cores beyond its "
                    + "container's CPU limit (the queue-proxy's and other sidecars' limits, pod overhead), where %s "
                    + "was trained with %s (hyper.cluster_params %s.queueProxyCpu): it observes %s cores held than in "
                    + "training; retrain it with a profile whose queueProxyCpu for %s is %s (docs/cluster-dynamics.md,"
                    + " \"Parameters\"; said again only after a read that matches)", name, num(read),
                    trainedOverhead.model(),
                    num(trainedWith), name, read > trainedWith ? "more" : "fewer", name, num(read)));
        }
    }

    private static String num(double cores) {
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.3f", cores)).stripTrailingZeros()
                .toPlainString();
    }

    /** What a decision's pod count is ({@code apply.minScale}). */
    private AgentConfig.Apply.MinScale minScale = AgentConfig.Apply.MinScale.PAPER;

    /**
     * What a decision's pod count is ({@code apply.minScale}): the paper model's (the default), the pods the
     * predicted load needs under the decided configurations ({@code decision}), or none written ({@code none}: not
     * held against {@code services[].maxPods} either). Returns this agent.
     */
    public synchronized Agent minScale(AgentConfig.Apply.MinScale m) {
        this.minScale = java.util.Objects.requireNonNull(m, "minScale");
        return this;
    }

    /**
     * The cores a decision asks for: the paper model's ({@link Transition#total()}), or with {@code decision}'s pod
     * counts their CPU limits.
     */
    private double requestedCores(Transition t, int[] podcount) {
        if (minScale != AgentConfig.Apply.MinScale.DECISION) {
            return t.total();
        }
        double cores = 0;
        for (int i = 0; i < podcount.length; i++) {
            cores += model.requestedCores(podcount[i], model.service(i).config(t.action()[i]).cpu());
        }
        return cores;
    }

    /** The pod counts a decision writes: see {@link #minScale}. */
    private int[] podsToWrite(Transition t, QuotaState state) {
        if (minScale != AgentConfig.Apply.MinScale.DECISION) {
            return t.pods();
        }
        int[] pods = new int[model.numServices()];
        for (int i = 0; i < pods.length; i++) {
            pods[i] = model.podsNeeded(i, t.action()[i], state.traffic()[i]);
        }
        return pods;
    }

    /** What the services hold in the cluster, read before each decision; {@code null}: not read. */
    private HeldSource held;

    /**
     * Reads the pods and cores each service holds from {@code source} before each decision, in place of the last
     * decision's as the paper model counts them ({@code apply.minScale: none}: Knative's autoscaler sizes the pods).
     * Returns this agent.
     */
    public synchronized Agent readingHeld(HeldSource source) {
        this.held = source;
        return this;
    }

    private void log(CycleReport r) {
        String in = loads(r);
        String line = minScale == AgentConfig.Apply.MinScale.NONE
                // no pod count is written: the configurations only (cpu/target), the pods are the KPA's
                ? String.format(Locale.ROOT, "cycle %d at %s: load(observed->predicted) %s | action %s, pods left to "
                        + "Knative | %s | %s", r.cycle(), r.time(), in, Arrays.toString(r.action()),
                        ScaleActionSpec.summary(model, r.spec(), false), r.outcome())
                : String.format(Locale.ROOT,
                "cycle %d at %s: load(observed->predicted) %s | action %s pods %s cpu %.1f/%.1f%s | %s | %s",
                r.cycle(), r.time(), in, Arrays.toString(r.action()), Arrays.toString(r.pods()),
                r.requestedCores(), model.quota(), r.overQuota() ? " OVER QUOTA" : "",
                ScaleActionSpec.summary(model, r.spec()), r.outcome());
        if (r.written()) {
            LOG.info(line);
        } else {
            LOG.error(line);
        }
    }

    /** {@code house=12->13 senti=FAILED->20 ...}: what each service's load was read as, and predicted. */
    private static String loads(CycleReport r) {
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < r.services().size(); i++) {
            if (i > 0) {
                in.append(' ');
            }
            in.append(r.services().get(i)).append('=')
                    .append(Double.isNaN(r.observed()[i]) ? "FAILED" : fmt(r.observed()[i]))
                    .append("->").append(fmt(r.predicted()[i]));
        }
        return in.toString();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v);
    }

    /** Closes the history files. */
    @Override
    public synchronized void close() {
        if (readers != null) {
            readers.shutdownNow();
        }
        for (HistoryFile h : histories) {
            try {
                h.close();
            } catch (java.io.IOException e) {
                LOG.warn("closing {}: {}", h.file(), e.toString());
            }
        }
    }
}
