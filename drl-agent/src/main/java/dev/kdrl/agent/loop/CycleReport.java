package dev.kdrl.agent.loop;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one cycle read, predicted, decided and wrote.
 *
 * @param cycle         the cycle's number: the decision count of the saved state ({@code state.json}'s
 *                      {@code cycles}) once this cycle's decision is saved, i.e. the decisions saved before it plus
 *                      one; it continues across restarts and leader terms, and a cycle that saves no decision
 *                      leaves it to the next
 * @param time          the scheduled cycle time
 * @param services      service names in model order
 * @param observed      the load read per service (NaN where the query failed)
 * @param failures      per service the query failure, or {@code null}
 * @param predicted     the predicted load of the coming period
 * @param observation   what the policy saw
 * @param action        the configuration index chosen per service
 * @param pods          pods per service after the decision
 * @param requestedCores CPU held after the decision
 * @param overQuota     whether the decision's CPU exceeds the quota
 * @param spec          the custom resource's spec
 * @param written       whether the spec was written (or logged in a dry run)
 * @param outcome       what the sink did, or why writing failed
 * @param decisionNanos predict + policy + bookkeeping time, without network waits
 */
public record CycleReport(long cycle, Instant time, List<String> services, double[] observed, List<String> failures,
                          double[] predicted, double[] observation, int[] action, int[] pods, double requestedCores,
                          boolean overQuota, Map<String, String> spec, boolean written, String outcome,
                          long decisionNanos) {
}
