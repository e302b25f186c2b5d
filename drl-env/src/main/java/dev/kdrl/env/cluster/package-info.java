/**
 * The cluster-faithful dynamics, beside the paper's decision model ({@link dev.kdrl.env.quota}, untouched): Knative
 * services sharing one namespace CPU quota simulated at tick resolution inside each decision period
 * ({@link dev.kdrl.env.cluster.ClusterSim}): the KPA ({@link dev.kdrl.env.cluster.Kpa}: stable and panic windows,
 * rate limits, panic mode), pods (Pending and starting, ready, terminating and draining while still charged), quota
 * admission at every pod creation with the ReplicaSet controller's back-off, a new revision on every template change
 * (the old one serves until the new one is ready; optionally deleted at once as the Go operator does), and latency,
 * drops and SLO misses from a calibrated queueing model ({@link dev.kdrl.env.cluster.QueueModel}). Parameters:
 * {@link dev.kdrl.env.cluster.ClusterParams} (the profile's optional {@code cluster:} keys).
 *
 * <p>{@link dev.kdrl.env.cluster.ClusterEnv} puts it behind the same {@link dev.kdrl.core.env.Env} contract as
 * {@link dev.kdrl.env.quota.QuotaEnv}, with the policy seeing a forecast of the load and the simulator playing the
 * actual load; {@link dev.kdrl.env.cluster.ClusterReward} is its reward, {@link dev.kdrl.env.cluster.ClusterMetrics}
 * measures an episode, {@link dev.kdrl.env.cluster.KnativeDefault} is Knative's default as a baseline and
 * {@link dev.kdrl.env.cluster.ClusterBench} the throughput benchmark. {@code docs/cluster-dynamics.md} describes
 * the model, what it leaves out and how to set its parameters.
 */
package dev.kdrl.env.cluster;
