package dev.kdrl.agent.k8s;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.ops.AgentMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
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
    private volatile CompletableFuture<?> election;

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
                        .withLock(new LeaseLock(namespace, config.leaseName(), config.identity()))
                        .withLeaseDuration(config.leaseDuration())
                        .withRenewDeadline(config.renewDeadline())
                        .withRetryPeriod(config.retryPeriod())
                        .withReleaseOnCancel()
                        .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped,
                                id -> LOG.info("leader is {}", id)))
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
        setNotLeading();
        metrics.globalGauge("drl.agent.leader", 0);
        LOG.warn("{} stopped leading", config.identity());
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
}
