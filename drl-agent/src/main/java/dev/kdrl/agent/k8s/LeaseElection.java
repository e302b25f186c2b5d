package dev.kdrl.agent.k8s;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.ops.AgentMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a Lease ({@code leaderElection} in the configuration) with fabric8's leader elector, in
 * the background. Each time this replica takes the Lease a new term begins; after losing it, or when the
 * election ends, the replica stands again until {@link #stopWaiting()} or {@link #close()}. Waiting for
 * leadership blocks on a condition that the elector's callbacks signal.
 *
 * <p>Every request for the Lease goes through a {@link Lock} that reports its failures: the first one, a changed
 * reason, and then at most one per {@code leaseDuration}, each as one WARN line naming the API server and the
 * reason in words (the stack trace at DEBUG), and one INFO line when the request succeeds again. fabric8's
 * elector would log each failed attempt at WARN with the whole stack trace: the agent's logback configuration
 * keeps only its errors, on one line. {@link #whyNotLeading()} gives the last reason (or who holds the Lease).
 */
public final class LeaseElection implements Leadership {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseElection.class);

    private final KubernetesClient client;
    private final String namespace;
    private final AgentConfig.LeaderElection config;
    private final AgentMetrics metrics;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long term = NOT_LEADING; // guarded by lock
    private long terms; // guarded by lock
    private boolean stopping; // guarded by lock
    /** The last request for the Lease was refused (401/403): waiting does not help until rights change. */
    private volatile boolean refused;
    private volatile CompletableFuture<?> election;

    private final Object reports = new Object();
    private int failures; // guarded by reports: failed requests since the last answer
    private Instant firstFailure; // guarded by reports
    private Instant lastReport; // guarded by reports
    private String lastReason; // guarded by reports: of the last failed request, or who holds the Lease
    private String reportedReason; // guarded by reports
    private String failing; // guarded by reports: what the failed requests did (reading, creating, updating)

    /**
     * @param namespace where the Lease lives (the agent's namespace)
     * @param metrics   {@code drl_agent_leader} is set to 1 while leading, 0 after
     */
    public LeaseElection(KubernetesClient client, String namespace, AgentConfig.LeaderElection config,
                         AgentMetrics metrics) {
        this.client = client;
        this.namespace = namespace;
        this.config = config;
        this.metrics = metrics;
    }

    /** Stands for election in the background. */
    public void start() {
        CompletableFuture<?> f = client.leaderElector()
                .withConfig(new LeaderElectionConfigBuilder()
                        .withName(config.leaseName())
                        .withLock(new ReportingLock(new LeaseLock(namespace, config.leaseName(),
                                config.identity())))
                        .withLeaseDuration(config.leaseDuration())
                        .withRenewDeadline(config.renewDeadline())
                        .withRetryPeriod(config.retryPeriod())
                        .withReleaseOnCancel()
                        .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, id -> {
                            if (id != null) { // null: the Lease released (by this replica, as it stops)
                                LOG.info("leader is {}", id);
                            }
                        }))
                        .build())
                .build()
                .start();
        election = f;
        f.whenComplete((r, e) -> {
            if (setNotLeading()) {
                LOG.warn("leader election ended ({}); standing again", e == null ? "lease lost" : e.toString());
                start();
            }
        });
    }

    private void started() {
        // the gauge first: whoever the signal wakes sees this replica reported as the leader
        metrics.globalGauge("drl.agent.leader", 1);
        lock.lock();
        try {
            term = ++terms;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.info("{} is now the leader ({}/{})", config.identity(), namespace, config.leaseName());
    }

    private void stopped() {
        boolean unexpected = setNotLeading();
        metrics.globalGauge("drl.agent.leader", 0);
        if (unexpected) {
            LOG.warn("{} stopped leading", config.identity());
        } else {
            LOG.info("{} released the Lease", config.identity());
        }
    }

    /** Marks this replica as not leading; returns whether it should stand again. */
    private boolean setNotLeading() {
        lock.lock();
        try {
            term = NOT_LEADING;
            return !stopping;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long term() {
        lock.lock();
        try {
            return term;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long awaitTerm() throws InterruptedException {
        lock.lock();
        try {
            while (term == NOT_LEADING && !stopping) {
                changed.await();
            }
            return term;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long awaitTerm(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (term == NOT_LEADING && !stopping && !refused && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return term;
        } finally {
            lock.unlock();
        }
    }

    /** {@inheritDoc} The last request for the Lease was answered 401 or 403. */
    @Override
    public boolean refused() {
        return refused;
    }

    @Override
    public String whyNotLeading() {
        synchronized (reports) {
            String why = lastReason != null ? lastReason : "no answer yet";
            return lease() + " at " + server() + ": " + why + (failures > 0 ? " (" + attempts() + ")" : "");
        }
    }

    /**
     * How long {@code --once} and {@code --simulate} wait to lead: {@code 2 x (leaseDuration + retryPeriod)}, time
     * for a Lease left by a replica that died to expire and be taken (34 s with the defaults 15 s and 2 s).
     */
    public static Duration oneShotWait(AgentConfig.LeaderElection config) {
        return config.leaseDuration().plus(config.retryPeriod()).multipliedBy(2);
    }

    @Override
    public void stopWaiting() {
        lock.lock();
        try {
            stopping = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops standing and cancels the election, which releases the Lease when held. */
    @Override
    public void close() {
        stopWaiting();
        CompletableFuture<?> f = election;
        if (f != null) {
            f.cancel(true);
        }
    }

    private String lease() {
        return "Lease " + namespace + "/" + config.leaseName();
    }

    private String server() {
        return String.valueOf(client.getMasterUrl());
    }

    private String attempts() { // under reports
        return failures + (failures == 1 ? " failed attempt" : " failed attempts") + " since "
                + firstFailure.truncatedTo(ChronoUnit.SECONDS);
    }

    /**
     * A request for the Lease ({@code doing} it) succeeded, with {@code record} for a read: ends a run of failures
     * unless a write that has been failing follows (a read before an update that is refused does not end it).
     */
    private void answered(String doing, LeaderElectionRecord record, boolean read) {
        String holder = record == null ? null : record.getHolderIdentity();
        String held = holder == null || holder.isEmpty() || holder.equals(config.identity()) ? null
                : "held by " + holder + (record.getRenewTime() != null ? " (renewed at "
                + record.getRenewTime().toInstant().truncatedTo(ChronoUnit.SECONDS) + ")" : "");
        synchronized (reports) {
            if (read && held == null && failures > 0 && !"reading".equals(failing)) {
                return; // the write that failed is tried again now
            }
            if (failures > 0) {
                LOG.info("{} at {}: {} it succeeded after {}", lease(), server(), doing, attempts());
            }
            failures = 0;
            failing = null;
            lastReport = null;
            reportedReason = null;
            lastReason = held;
        }
        refused = false;
    }

    /** A request for the Lease failed: one line for the first, a new reason, and then once per leaseDuration. */
    private KubernetesClientException failed(String doing, KubernetesClientException e) {
        if (e.getCode() == 409) {
            // another replica changed the Lease in between: the elector reads it again, as fabric8 expects
            LOG.debug("{}: conflict while {} it", lease(), doing, e);
            return e;
        }
        String reason = doing + " it failed: " + reason(e);
        Instant now = Instant.now();
        synchronized (reports) {
            if (failures++ == 0) {
                firstFailure = now;
            }
            failing = doing;
            lastReason = reason;
            if (!reason.equals(reportedReason) || lastReport == null
                    || !now.isBefore(lastReport.plus(config.leaseDuration()))) {
                LOG.warn("{} at {}: {} ({}; retrying)", lease(), server(), reason, attempts());
                lastReport = now;
                reportedReason = reason;
            }
        }
        LOG.debug("{} at {}: {} it failed", lease(), server(), doing, e);
        boolean refusedNow = e.getCode() == 401 || e.getCode() == 403;
        if (refusedNow && !refused) {
            lock.lock();
            try {
                refused = true;
                changed.signalAll(); // a bounded wait ends: waiting does not make the rights
            } finally {
                lock.unlock();
            }
        } else {
            refused = refusedNow; // the last failure's: a timeout after a 403 is worth waiting out
        }
        return e;
    }

    /**
     * Why a request failed, in words: the HTTP status and the API server's message, or what went wrong below
     * HTTP (connection refused, timed out, TLS, unknown host).
     */
    static String reason(KubernetesClientException e) {
        int code = e.getCode();
        String status = e.getStatus() != null && e.getStatus().getMessage() != null
                ? ApiErrors.oneLine(e.getStatus().getMessage()) : null;
        if (code == 401) {
            return "unauthorized (401): the API server refused the kubeconfig's credentials"
                    + (status != null ? "; " + status : "");
        }
        if (code == 403) {
            return "forbidden (403): " + (status != null ? status + "; " : "") + "grant get, create and patch on "
                    + "leases.coordination.k8s.io (deploy/rbac.yaml)";
        }
        if (code > 0) {
            return "HTTP " + code + (status != null ? ": " + status : "");
        }
        return ApiErrors.transport(e);
    }

    /** fabric8's Lease lock, reporting each request's outcome. */
    private final class ReportingLock implements Lock {
        private final LeaseLock lease;

        ReportingLock(LeaseLock lease) {
            this.lease = lease;
        }

        @Override
        public LeaderElectionRecord get(KubernetesClient c) {
            LeaderElectionRecord r;
            try {
                r = lease.get(c);
            } catch (KubernetesClientException e) {
                throw failed("reading", e);
            }
            answered("reading", r, true);
            return r;
        }

        @Override
        public void create(KubernetesClient c, LeaderElectionRecord record) {
            try {
                lease.create(c, record);
            } catch (KubernetesClientException e) {
                throw failed("creating", e);
            }
            answered("creating", null, false);
        }

        @Override
        public void update(KubernetesClient c, LeaderElectionRecord record) {
            try {
                lease.update(c, record);
            } catch (KubernetesClientException e) {
                throw failed("updating", e);
            }
            answered("updating", null, false);
        }

        @Override
        public String identity() {
            return lease.identity();
        }

        @Override
        public String describe() {
            return lease.describe();
        }
    }
}
