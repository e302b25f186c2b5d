/**
 * Kubernetes: the sinks that apply a decision ({@link dev.kdrl.agent.k8s.ActionSink}: the {@code DRLScaleAction}
 * writer, a log-only sink), the CRD, the client ({@link dev.kdrl.agent.k8s.KubeClients}) and Lease leader election
 * ({@link dev.kdrl.agent.k8s.LeaseElection} behind {@link dev.kdrl.agent.k8s.Leadership}).
 */
package dev.kdrl.agent.k8s;
