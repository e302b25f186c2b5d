package dev.kdrl.env.quota;

import java.util.Arrays;

/**
 * The outcome of one decision, as computed by {@link QuotaModel#decide}: what the cluster ends up with
 * and what the roll-out costs on the way. Arrays are indexed by service; do not modify them.
 *
 * @param action      the configuration index chosen per service
 * @param pods        pod count per service after the decision
 * @param resources   CPU cores held per service after the decision ({@code R_i})
 * @param added       CPU cores added during the roll-out per service ({@code U_i})
 * @param kinds       what the decision does to each service
 * @param change      the scale-down check fired (a same-configuration scale-down becomes a fresh revision)
 * @param total       {@code sum R_i}: CPU in use after the decision
 * @param totalUpdate previous resources plus added ones: the peak during the roll-out
 * @param sloRatioSum {@code sum SLO_i / latency_i} over the chosen configurations
 */
public record Transition(int[] action, int[] pods, double[] resources, double[] added, ScaleKind[] kinds,
                         boolean change, double total, double totalUpdate, double sloRatioSum) {

    /** Number of services whose decision rolls out a new revision. */
    public int revisionsCreated() {
        int n = 0;
        for (ScaleKind k : kinds) {
            if (k == ScaleKind.FRESH) {
                n++;
            }
        }
        return n;
    }

    /** Equal by content: the same arrays' values, flags and totals (doubles compared as {@link Double#compare}). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Transition t && change == t.change && Double.compare(total, t.total) == 0
                && Double.compare(totalUpdate, t.totalUpdate) == 0 && Double.compare(sloRatioSum, t.sloRatioSum) == 0
                && Arrays.equals(action, t.action) && Arrays.equals(pods, t.pods)
                && Arrays.equals(resources, t.resources) && Arrays.equals(added, t.added)
                && Arrays.equals(kinds, t.kinds);
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(action);
        h = 31 * h + Arrays.hashCode(pods);
        h = 31 * h + Arrays.hashCode(resources);
        h = 31 * h + Arrays.hashCode(added);
        h = 31 * h + Arrays.hashCode(kinds);
        h = 31 * h + Boolean.hashCode(change);
        h = 31 * h + Double.hashCode(total);
        h = 31 * h + Double.hashCode(totalUpdate);
        return 31 * h + Double.hashCode(sloRatioSum);
    }

    @Override
    public String toString() {
        return "Transition[action=" + Arrays.toString(action) + ", pods=" + Arrays.toString(pods) + ", resources="
                + Arrays.toString(resources) + ", added=" + Arrays.toString(added) + ", kinds="
                + Arrays.toString(kinds) + ", change=" + change + ", total=" + total + ", totalUpdate="
                + totalUpdate + ", sloRatioSum=" + sloRatioSum + "]";
    }
}
