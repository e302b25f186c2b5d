package dev.kdrl.env.cluster;

import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.ServiceConfig;
import dev.kdrl.env.quota.ServiceProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Knative services sharing one namespace CPU quota, simulated tick by tick ({@link ClusterParams#tickSeconds()}); the
 * behaviour and its sources are in {@code docs/spec/knative-semantics.md}. Deterministic: it draws no random number.
 *
 * <p>Every tick, at its start time {@code t}, in this order:
 * <ol>
 *   <li><b>pod lifecycle</b>: pods whose start-up ended become ready; drained pods are removed and release their
 *       quota (each wakes its own ReplicaSet, §3.2);</li>
 *   <li><b>routing</b>: a revision's PA is ready once its ready pods reach {@code max(minScale, initialScale)}
 *       (§1.5; {@code max(minScale, 1)} again after a scale to zero); all the traffic goes to the newest ready
 *       revision newer than the serving one, even while a still newer one is starting (the Configuration's latest
 *       ready revision, §2); the revisions before it become unreachable (min-scale ignored, no scale-down limit) and
 *       are scaled down by their own KPA, or, with {@link ClusterParams#operatorDeletesOldRevision()} once the newest
 *       revision takes the traffic, deleted at once with their pods (grace period 0: they stop counting against the
 *       quota, §3.4); a revision not ready after the progress deadline + 30 s is scaled to zero and the traffic
 *       stays where it was (§3.3);</li>
 *   <li><b>KPA</b> (every 2 s): each revision's {@link Kpa} decides from its window averages; the result is bounded
 *       (min-scale while reachable; initial-scale until the PA is ready) and scale-to-zero waits for the grace period
 *       after a stable window of activity (§1.5); a new replica count wakes the ReplicaSet;</li>
 *   <li><b>ReplicaSet</b>: a woken ReplicaSet, or one whose back-off ended, deletes surplus pods (not-ready first,
 *       newest first; they drain for {@code drainSeconds} while still charged) or creates the missing ones in
 *       slow-start batches 1, 2, 4, ...; each creation is admitted only if the quota's used cores (limits of every
 *       pod not yet removed, queue-proxy share included) plus the pod's fit; a batch with a refusal ends the sync,
 *       which is retried after {@code 5 ms x 2^(failures-1)} (at most 1000 s; refusals within the tick counted as
 *       the controller would make them), §3.2;</li>
 *   <li><b>traffic</b>: the service's load (users) goes to its serving revision, spread over its ready pods, and the
 *       {@link QueueModel} gives latency, requests over the SLO and drops; with no ready pod (a cold start), the
 *       activator holds the requests until the first pod is ready (their latency includes the wait; a pod not yet
 *       created comes at the next KPA decision), or they are dropped when the quota refused the pod or the revision
 *       failed; every revision's
 *       KPA records the tick's concurrency (its users if serving, else 0).</li>
 * </ol>
 *
 * <p>Not thread-safe.
 */
public final class ClusterSim {
    private static final double EPS = 1e-9;

    private final QuotaModel model;
    private final ClusterParams params;
    private final int n;
    private final double dt;
    private final int kpaEvery;
    private final ClusterParams.ServiceParams[] sp;
    private final QueueModel[][] queues;
    private final double[] slo;
    private final List<List<Revision>> revisions = new ArrayList<>();
    private final Revision[] serving;
    private long tick;
    private double charged;
    private int nextId;

    // ---- per period accumulators ----
    private final double[] offered;
    private final double[] dropped;
    private final double[] over;
    private final double[] secondsOver;
    private final double[] coreSeconds;
    private final int[] refused;
    private final int[] coldStarts;
    private final int[] created;
    private final double[] peakBy;
    private final double[] epPeakBy;
    private final double[][] segP95;
    private final double[][] segWeight;
    private final int[] segCount;
    private double peakCharged;
    // ---- per episode (since start) ----
    private final double[][] epP95;
    private final double[][] epWeight;
    private final int[] epCount;
    private final double[] epOffered;
    private final double[] epDropped;
    private double epPeak;
    // ---- cache of the last tick's queueing figures per service ----
    private final double[] cacheUsers;
    private final int[] cacheReady;
    private final Revision[] cacheRev;
    private final double[] cacheP95;
    private final double[] cacheOverShare;
    private final double[] cacheServedShare;

    /**
     * @param model  the services (configurations, SLOs) and the quota
     * @param params the dynamics' parameters
     */
    public ClusterSim(QuotaModel model, ClusterParams params) {
        this.model = Objects.requireNonNull(model, "model");
        this.params = Objects.requireNonNull(params, "params");
        this.n = model.numServices();
        this.dt = params.tickSeconds();
        this.kpaEvery = params.ticksPerKpaDecision();
        this.sp = new ClusterParams.ServiceParams[n];
        this.queues = new QueueModel[n][];
        this.slo = new double[n];
        this.serving = new Revision[n];
        for (int i = 0; i < n; i++) {
            ServiceProfile s = model.service(i);
            sp[i] = params.service(s.name());
            slo[i] = s.sloMs() / 1000;
            queues[i] = new QueueModel[s.numActions()];
            for (int a = 0; a < s.numActions(); a++) {
                ServiceConfig c = s.config(a);
                queues[i][a] = QueueModel.of(c.latencyMs(), c.concurrency(), params.targetUtilisation(), sp[i]);
            }
            revisions.add(new ArrayList<>());
        }
        offered = new double[n];
        dropped = new double[n];
        over = new double[n];
        secondsOver = new double[n];
        coreSeconds = new double[n];
        refused = new int[n];
        coldStarts = new int[n];
        created = new int[n];
        peakBy = new double[n];
        epPeakBy = new double[n];
        segP95 = new double[n][16];
        segWeight = new double[n][16];
        segCount = new int[n];
        epP95 = new double[n][16];
        epWeight = new double[n][16];
        epCount = new int[n];
        epOffered = new double[n];
        epDropped = new double[n];
        cacheUsers = new double[n];
        cacheReady = new int[n];
        cacheRev = new Revision[n];
        cacheP95 = new double[n];
        cacheOverShare = new double[n];
        cacheServedShare = new double[n];
    }

    public QuotaModel model() {
        return model;
    }

    public ClusterParams params() {
        return params;
    }

    /**
     * Starts at time 0 with one serving revision per service on {@code action}, holding {@code pods} ready pods (a
     * warm cluster; {@code minScale = initialScale = pods}, at least 1 pod as initial scale). Pods beyond the quota are
     * not created (the ReplicaSet retries them).
     */
    public void start(int[] action, int[] pods) {
        start(action, pods, true);
    }

    /**
     * As {@link #start(int[], int[])}; with {@code minScaleFromPods} false the revisions have Knative's defaults
     * (no min-scale, initial-scale 1) and only their first pods are {@code pods}.
     */
    public void start(int[] action, int[] pods, boolean minScaleFromPods) {
        if (action.length != n || pods.length != n) {
            throw new IllegalArgumentException("start needs one action and pod count per service (" + n + ")");
        }
        tick = 0;
        charged = 0;
        nextId = 0;
        for (int i = 0; i < n; i++) {
            revisions.get(i).clear();
            cacheRev[i] = null;
            Revision r = minScaleFromPods ? newRevision(i, action[i], pods[i], Math.max(1, pods[i]))
                    : newRevision(i, action[i], 0, 1);
            r.replicas = Math.max(r.replicas, pods[i]);
            r.initialized = true;
            r.activeSince = 0;
            int admitted = 0;
            while (admitted < r.replicas && fits(r.chargedPerPod)) {
                charged += r.chargedPerPod;
                r.ready++;
                admitted++;
            }
            serving[i] = r;
        }
        Arrays.fill(epCount, 0);
        Arrays.fill(epOffered, 0);
        Arrays.fill(epDropped, 0);
        for (int i = 0; i < n; i++) {
            epPeakBy[i] = chargedBy(i);
        }
        epPeak = charged;
        clearPeriod();
    }

    /** Seconds since {@link #start}. */
    public double time() {
        return tick * dt;
    }

    /** Cores the quota charges now, over every service. */
    public double charged() {
        return charged;
    }

    /** Cores the quota charges now to service {@code i}. */
    public double chargedBy(int i) {
        double c = 0;
        for (Revision r : revisions.get(i)) {
            c += r.charged() * r.chargedPerPod;
        }
        return c;
    }

    /** The service's newest revision's configuration and min-scale: what a decision compares against. */
    public int latestAction(int i) {
        return latest(i).action;
    }

    /** The min-scale of the service's newest revision. */
    public int latestMinScale(int i) {
        return latest(i).minScale;
    }

    /** Ready plus starting pods of the service's newest revision (what the ReplicaSet counts). */
    public int latestActivePods(int i) {
        return latest(i).active();
    }

    /** Ready pods of the serving revision. */
    public int servingReady(int i) {
        return serving[i].ready;
    }

    private Revision latest(int i) {
        List<Revision> rs = revisions.get(i);
        return rs.get(rs.size() - 1);
    }

    /**
     * What a configuration change does: when {@code action}, {@code minScale} or {@code initialScale} differ from the
     * newest revision's, a new revision is created (any change of the Knative Service's template does, §2) with
     * {@code replicas = initialScale}. Returns whether it was.
     */
    public boolean apply(int i, int action, int minScale, int initialScale) {
        if (minScale < 0 || initialScale < 1) {
            throw new IllegalArgumentException("minScale must be >= 0 and initialScale >= 1, got " + minScale + ", "
                    + initialScale);
        }
        Revision last = latest(i);
        // the same template makes no revision, even when the newest one failed: Knative keeps serving the old one
        if (last.action == action && last.minScale == minScale && last.initialScale == initialScale) {
            return false;
        }
        newRevision(i, action, minScale, initialScale);
        created[i]++;
        return true;
    }

    private Revision newRevision(int i, int action, int minScale, int initialScale) {
        ServiceConfig c = model.service(i).config(action);
        Revision r = new Revision(nextId++, action, c.cpu(), c.concurrency(), c.cpu() + sp[i].queueProxyCpu(),
                minScale, initialScale, time(), Kpa.of(params, c.concurrency(), sp[i]), queues[i][action]);
        revisions.get(i).add(r);
        return r;
    }

    /**
     * Plays one decision period (the figures add to those since the last {@link #clearPeriod}, which a caller
     * calls before applying the period's decisions); the load of service {@code i} moves from {@code loadStart[i]} to {@code loadEnd[i]}
     * when the parameters interpolate, else stays at {@code loadStart[i]}.
     *
     * @return per service, what the period did
     */
    public ServicePeriod[] runPeriod(double[] loadStart, double[] loadEnd) {
        int ticks = params.ticksPerPeriod();
        double[] load = new double[n];
        for (int k = 0; k < ticks; k++) {
            for (int i = 0; i < n; i++) {
                load[i] = params.interpolateLoad() && loadEnd != null
                        ? loadStart[i] + (loadEnd[i] - loadStart[i]) * (k + 0.5) / ticks
                        : loadStart[i];
            }
            tick(load);
        }
        return periodResults();
    }

    /** Starts a new period's figures: call it before the period's {@link #apply} calls and {@link #runPeriod}. */
    public void clearPeriod() {
        Arrays.fill(offered, 0);
        Arrays.fill(dropped, 0);
        Arrays.fill(over, 0);
        Arrays.fill(secondsOver, 0);
        Arrays.fill(coreSeconds, 0);
        Arrays.fill(refused, 0);
        Arrays.fill(coldStarts, 0);
        Arrays.fill(created, 0);
        Arrays.fill(segCount, 0);
        for (int i = 0; i < n; i++) {
            peakBy[i] = chargedBy(i);
        }
        peakCharged = charged;
    }

    /** The period's figures so far, per service. */
    public ServicePeriod[] periodResults() {
        ServicePeriod[] out = new ServicePeriod[n];
        double period = params.periodSeconds();
        for (int i = 0; i < n; i++) {
            double p95 = offered[i] > 0
                    ? mixtureP95(segP95[i], segWeight[i], segCount[i], dropped[i], offered[i])
                    : Double.NaN;
            out[i] = new ServicePeriod(offered[i], dropped[i], over[i], p95, secondsOver[i], coreSeconds[i],
                    coreSeconds[i] / period, refused[i], coldStarts[i], created[i], serving[i].ready, chargedBy(i),
                    peakBy[i]);
        }
        return out;
    }

    /** The p95 latency in seconds of every request of service {@code i} since {@link #start} (as in a period). */
    public double episodeP95(int i) {
        return epOffered[i] > 0 ? mixtureP95(epP95[i], epWeight[i], epCount[i], epDropped[i], epOffered[i])
                : Double.NaN;
    }

    /** The most cores charged to service {@code i} at once since {@link #start}. */
    public double episodePeakCharged(int i) {
        return epPeakBy[i];
    }

    /** The highest quota use (cores) seen since {@link #start}. */
    public double episodePeakCharged() {
        return epPeak;
    }

    /** The highest quota use (cores) seen since the period began. */
    public double peakCharged() {
        return peakCharged;
    }

    /** One tick with service {@code i}'s load {@code load[i]} (users). */
    public void tick(double[] load) {
        double t = time();
        for (int i = 0; i < n; i++) {
            lifecycle(i, t);
        }
        for (int i = 0; i < n; i++) {
            route(i, t);
        }
        if (tick % kpaEvery == 0) {
            for (int i = 0; i < n; i++) {
                for (Revision r : revisions.get(i)) {
                    autoscale(r, t);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (Revision r : revisions.get(i)) {
                sync(i, r, t);
            }
        }
        peakCharged = Math.max(peakCharged, charged);
        epPeak = Math.max(epPeak, charged);
        for (int i = 0; i < n; i++) {
            traffic(i, load[i], t);
            List<Revision> rs = revisions.get(i);
            double cores = 0;
            for (int k = 0; k < rs.size(); k++) {
                Revision r = rs.get(k);
                r.kpa.record(r == serving[i] ? load[i] : 0);
                cores += r.charged() * r.chargedPerPod;
            }
            coreSeconds[i] += cores * dt;
            if (cores > peakBy[i]) {
                peakBy[i] = cores;
            }
            if (cores > epPeakBy[i]) {
                epPeakBy[i] = cores;
            }
        }
        tick++;
    }

    private void lifecycle(int i, double t) {
        List<Revision> rs = revisions.get(i);
        for (int k = 0; k < rs.size(); k++) {
            Revision r = rs.get(k);
            int up = r.starting.pollDue(t);
            if (up > 0) {
                r.ready += up;
                r.resync = true;
            }
            int gone = r.terminating.pollDue(t);
            if (gone > 0) {
                charged -= gone * r.chargedPerPod;
                r.resync = true;
            }
        }
        if (charged < EPS) {
            charged = 0;
        }
    }

    private void route(int i, double t) {
        List<Revision> rs = revisions.get(i);
        Revision newest = rs.get(rs.size() - 1);
        for (Revision r : rs) {
            // every revision's PA becomes active once enough pods are ready, routed or not (§1.5); again after a
            // scale to zero, with max(minScale, 1) ready pods
            if (!r.failed && Double.isNaN(r.activeSince) && r.ready >= r.activeThreshold()) {
                r.initialized = true;
                r.activeSince = t;
            }
        }
        // the traffic goes to the Configuration's latest ready revision: the newest one that is ready, even while a
        // newer one is still starting (knative/serving, configuration reconciler, findAndSetLatestReadyRevision)
        int from = rs.indexOf(serving[i]);
        for (int k = rs.size() - 1; k > from; k--) {
            Revision ready = rs.get(k);
            if (ready.initialized && !ready.failed) {
                // the operator deletes the revisions before the one it wrote once that one is ready
                boolean delete = params.operatorDeletesOldRevision() && ready == newest;
                for (int j = 0; j < k; j++) {
                    Revision old = rs.get(j);
                    old.unreachable = true;
                    if (delete) {
                        forceDelete(old);
                    }
                }
                serving[i] = ready;
                break;
            }
        }
        for (Revision r : rs) {
            if (!r.initialized && !r.failed && t - r.createdAt >= params.progressDeadlineSeconds() + 30 - EPS) {
                r.failed = true;
                r.unreachable = true;
                r.replicas = 0;
                r.resync = true;
            }
        }
        // forget revisions with nothing left (never the serving or the newest one)
        for (int k = rs.size() - 2; k >= 0; k--) {
            Revision r = rs.get(k);
            if (r != serving[i] && r.unreachable && r.charged() == 0 && r.replicas == 0) {
                rs.remove(k);
            }
        }
    }

    /**
     * The published operator deletes the revision and force-deletes its pods (grace period 0): they stop counting
     * against the quota at once (§3.4; {@code drl-agent/src/test/resources/knative/PROVENANCE.md}). The revision,
     * unreachable with nothing left, is forgotten at the end of the same {@link #route}.
     */
    private void forceDelete(Revision r) {
        charged -= r.charged() * r.chargedPerPod;
        if (charged < EPS) {
            charged = 0;
        }
        r.ready = 0;
        r.starting.clear();
        r.terminating.clear();
        r.replicas = 0;
        r.resync = false;
        r.failures = 0;
        r.nextRetry = Double.POSITIVE_INFINITY;
    }

    private void autoscale(Revision r, double t) {
        if (r.failed) {
            return;
        }
        int desired = r.kpa.decide(t, r.ready, !r.unreachable);
        if (desired < 0) {
            return;
        }
        int min = r.unreachable ? 0 : r.minScale;
        if (!r.initialized && !r.unreachable && r.initialScale > 1) {
            min = Math.max(min, r.initialScale);
        }
        desired = Math.max(desired, min);
        if (desired == 0) {
            if (r.replicas == 0) {
                return;
            }
            if (Double.isNaN(r.zeroSince)) {
                r.zeroSince = t;
            }
            boolean activeLongEnough = r.initialized && t - r.activeSince >= params.stableWindowSeconds() - EPS;
            if (!activeLongEnough || t - r.zeroSince < params.scaleToZeroGraceSeconds() - EPS) {
                return; // the last pods stay until scale-to-zero is allowed
            }
            r.activeSince = Double.NaN; // the PA is inactive: active again only once its pods are ready
            r.zeroSince = Double.NaN;
        } else {
            r.zeroSince = Double.NaN;
        }
        if (desired != r.replicas) {
            r.replicas = desired;
            r.resync = true;
        }
    }

    private void sync(int i, Revision r, double t) {
        int active = r.active();
        if (r.replicas < active) {
            int surplus = active - r.replicas;
            double release = t + sp[i].drainSeconds();
            while (surplus > 0 && r.starting.size() > 0) {
                r.starting.removeNewest();
                r.terminating.add(release);
                surplus--;
            }
            while (surplus > 0) {
                r.ready--;
                r.terminating.add(release);
                surplus--;
            }
            r.resync = false;
            r.failures = 0;
            r.nextRetry = Double.POSITIVE_INFINITY;
            return;
        }
        if (r.replicas == active) {
            r.resync = false;
            r.failures = 0;
            r.nextRetry = Double.POSITIVE_INFINITY;
            return;
        }
        if (!r.resync && t < r.nextRetry - EPS) {
            return;
        }
        r.resync = false;
        int missing = r.replicas - active;
        boolean wasEmpty = active == 0;
        double readyAt = t + params.schedulingSeconds() + sp[i].startupSeconds();
        int batch = 1;
        boolean refusedAny = false;
        while (missing > 0 && !refusedAny) {
            int size = Math.min(batch, missing);
            for (int b = 0; b < size; b++) {
                if (fits(r.chargedPerPod)) {
                    charged += r.chargedPerPod;
                    r.starting.add(readyAt);
                    missing--;
                    if (wasEmpty && r == serving[i]) {
                        coldStarts[i]++;
                        wasEmpty = false;
                    }
                } else {
                    refused[i]++;
                    refusedAny = true;
                }
            }
            batch *= 2;
        }
        if (!refusedAny) {
            r.failures = 0;
            r.nextRetry = Double.POSITIVE_INFINITY;
            return;
        }
        // back-off: 5 ms x 2^(failures-1), capped at 1000 s; the retries inside this tick fail the same way
        r.failures++;
        double next = t + backoff(r.failures);
        while (next < t + dt - EPS) {
            refused[i]++;
            r.failures++;
            next += backoff(r.failures);
        }
        r.nextRetry = next;
    }

    /** The ReplicaSet controller's per-item back-off after {@code failures} failed syncs, in seconds. */
    static double backoff(int failures) {
        return Math.min(1000, 0.005 * Math.pow(2, Math.min(failures - 1, 40)));
    }

    private boolean fits(double cores) {
        return charged + cores <= model.quota() + EPS;
    }

    private void traffic(int i, double users, double t) {
        if (users <= 0) {
            return;
        }
        Revision r = serving[i];
        QueueModel q = r.queue;
        double requests = users * q.requestsPerUserSecond() * dt;
        offered[i] += requests;
        epOffered[i] += requests;
        if (r.ready == 0) {
            int starting = r.starting.size();
            if (starting == 0 && (r.failures > 0 || r.failed)) {
                // the activator holds the requests, but no pod can come: they time out
                dropped[i] += requests;
                epDropped[i] += requests;
                secondsOver[i] += dt;
                return;
            }
            // cold start: the activator holds the requests until the first pod is ready (one that is not starting
            // yet is created at the next KPA decision)
            double wait = starting > 0 ? Math.max(0, r.starting.first() - t)
                    : dt + params.schedulingSeconds() + sp[i].startupSeconds();
            double p95 = wait + q.p95(Math.min(users / Math.max(1, starting), q.capacityPerPod()));
            addSegment(i, p95, requests);
            over[i] += requests * QueueModel.overShare(slo[i], p95);
            if (p95 > slo[i]) {
                secondsOver[i] += dt;
            }
            return;
        }
        if (cacheRev[i] != r || cacheReady[i] != r.ready || cacheUsers[i] != users) {
            double servedUsers = Math.min(users, r.ready * q.capacityPerPod());
            cacheRev[i] = r;
            cacheReady[i] = r.ready;
            cacheUsers[i] = users;
            cacheServedShare[i] = servedUsers / users;
            cacheP95[i] = q.p95(servedUsers / r.ready);
            cacheOverShare[i] = QueueModel.overShare(slo[i], cacheP95[i]);
        }
        double served = requests * cacheServedShare[i];
        dropped[i] += requests - served;
        epDropped[i] += requests - served;
        over[i] += served * cacheOverShare[i];
        addSegment(i, cacheP95[i], served);
        if (cacheP95[i] > slo[i] || cacheServedShare[i] < 0.95) {
            secondsOver[i] += dt;
        }
    }

    private void addSegment(int i, double p95, double weight) {
        addEpisodeSegment(i, p95, weight);
        int c = segCount[i];
        if (c > 0 && segP95[i][c - 1] == p95) {
            segWeight[i][c - 1] += weight;
            return;
        }
        if (c == segP95[i].length) {
            segP95[i] = Arrays.copyOf(segP95[i], 2 * c);
            segWeight[i] = Arrays.copyOf(segWeight[i], 2 * c);
        }
        segP95[i][c] = p95;
        segWeight[i][c] = weight;
        segCount[i] = c + 1;
    }

    private void addEpisodeSegment(int i, double p95, double weight) {
        int c = epCount[i];
        if (c > 0 && epP95[i][c - 1] == p95) {
            epWeight[i][c - 1] += weight;
            return;
        }
        if (c == epP95[i].length) {
            epP95[i] = Arrays.copyOf(epP95[i], 2 * c);
            epWeight[i] = Arrays.copyOf(epWeight[i], 2 * c);
        }
        epP95[i][c] = p95;
        epWeight[i][c] = weight;
        epCount[i] = c + 1;
    }

    /**
     * The 95th percentile of a mixture: {@code weight[k]} requests whose latency has p95 {@code p95[k]} and an
     * exponential tail ({@link QueueModel#overShare}), plus {@code droppedWeight} infinitely slow ones; infinite when
     * the dropped ones are 5 % or more of {@code total}.
     */
    static double mixtureP95(double[] p95, double[] weight, int count, double droppedWeight, double total) {
        if (droppedWeight >= 0.05 * total * (1 - 1e-12) || count == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (int k = 0; k < count; k++) {
            lo = Math.min(lo, p95[k]);
            hi = Math.max(hi, p95[k]);
        }
        if (hi - lo <= 1e-12 * hi && droppedWeight == 0) {
            return hi;
        }
        double target = 0.05 * total;
        // tail(x) = sum w_k 0.05^(x / p_k) + dropped is decreasing in x; tail(lo) >= target
        while (tail(hi, p95, weight, count, droppedWeight) > target) {
            hi *= 2;
        }
        for (int it = 0; it < 50 && hi - lo > 1e-7 * hi; it++) {
            double mid = 0.5 * (lo + hi);
            if (tail(mid, p95, weight, count, droppedWeight) > target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    private static double tail(double x, double[] p95, double[] weight, int count, double dropped) {
        double s = dropped;
        for (int k = 0; k < count; k++) {
            s += weight[k] * QueueModel.overShare(x, p95[k]);
        }
        return s;
    }

    /** A snapshot of one revision, for tests and reports. */
    public record RevisionView(int id, int action, int minScale, int initialScale, int replicas, int ready,
                               int starting, int terminating, boolean serving, boolean unreachable,
                               boolean failed, boolean panicking, int failures, double nextRetry) {
    }

    /** The service's revisions, oldest first. */
    public List<RevisionView> revisions(int i) {
        List<RevisionView> out = new ArrayList<>();
        for (Revision r : revisions.get(i)) {
            out.add(new RevisionView(r.id, r.action, r.minScale, r.initialScale, r.replicas, r.ready,
                    r.starting.size(), r.terminating.size(), r == serving[i], r.unreachable, r.failed,
                    r.kpa.panicking(), r.failures, r.nextRetry));
        }
        return out;
    }
}
