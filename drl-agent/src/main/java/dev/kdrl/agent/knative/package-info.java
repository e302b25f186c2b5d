/**
 * Applying decisions to Knative Services from Java ({@code apply.mode} {@code knative} and {@code reconciler}):
 * {@link dev.kdrl.agent.knative.KnativeApplier} (read, compare, order by CPU change, check the ResourceQuota, JSON
 * patch guarded by a resourceVersion test, optional deletion of the previous Revision),
 * {@link dev.kdrl.agent.knative.KnativeSink} (the agent's {@link dev.kdrl.agent.k8s.ActionSink} in mode knative) and
 * {@link dev.kdrl.agent.knative.Reconciler} (watches {@code DRLScaleAction} resources, writes their status).
 */
package dev.kdrl.agent.knative;
