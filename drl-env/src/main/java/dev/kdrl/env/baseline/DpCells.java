package dev.kdrl.env.baseline;

import java.util.Arrays;

/**
 * The parents of one DP step arranged for one set {@code S} of "same" services (a bit mask): the joint
 * actions that keep every service of {@code S} on its running configuration and give every other
 * service a fresh revision.
 *
 * <p>For such an action the successor and the reward depend on a parent only through
 * <ul>
 *   <li>the states of the services in {@code S} (its <em>cell</em> {@code k}),</li>
 *   <li>the configuration classes of the other services, which must all differ from the action's (its
 *       <em>bucket</em> within the cell: the action is compatible with a bucket or not),</li>
 *   <li>its previous total, which decides whether the roll-out's peak fits the quota, and its value.</li>
 * </ul>
 * So each cell is walked once per joint action; the best parent is then found among the cell's buckets
 * compatible with the action. Within a bucket, the best parent is either the best one overall or the
 * best one whose previous total leaves room for the roll-out: the bucket keeps its parents sorted by
 * previous total, reduced to <em>records</em> (parents whose value beats every parent with a smaller or
 * equal previous total), so the best parent within a bound is the last record within it. The buckets of
 * a cell are sorted by best value, descending, so the search stops early.
 *
 * <p>Everything is built by stable sorts from a fixed order of the parents: the result does not depend
 * on which thread builds it.
 */
final class DpCells {
    /** The set {@code S}, bit {@code i} for service {@code i}. */
    final int mask;
    /** Number of cells. */
    final int cellCount;
    /** A parent of each cell: the cell's services in {@code S} are in this parent's states. */
    final int[] cellParent;
    /** The buckets of cell {@code k} are {@code cellStart[k] .. cellStart[k + 1] - 1}, best first. */
    final int[] cellStart;
    /** The records of bucket {@code b} are {@code recStart[b] .. recStart[b + 1] - 1}. */
    final int[] recStart;
    /** Configuration class of service {@code i} in bucket {@code b} at {@code b * n + i}. */
    final int[] bucketClass;
    /**
     * For a service {@code i} outside {@code S}, at {@code k * n + i}: its configuration class if all the
     * buckets of cell {@code k} share it, else -1.
     */
    final int[] cellSharedClass;
    /** Records: parent and its previous total, ascending within a bucket. */
    final int[] recParent;
    final double[] recTotal;
    /**
     * Records of the whole cell (all its buckets), for cells of several buckets: those of cell {@code k}
     * are {@code cellRecStart[k] .. cellRecStart[k + 1] - 1}, with their parent, previous total and bucket.
     */
    final int[] cellRecStart;
    final int[] cellRecParent;
    final double[] cellRecTotal;
    final int[] cellRecBucket;

    /**
     * @param n           number of services
     * @param mask        the set {@code S}
     * @param sub         {@code sub[i][s]}: service-level state id of service {@code i} in parent {@code s}
     * @param subCount    {@code sub[i][s] < subCount[i]}
     * @param parentClass {@code parentClass[i][s]}: configuration class of service {@code i} in parent {@code s}
     * @param group       per parent: a dense id of its tuple of configuration classes
     * @param byTotal     the parents sorted by (previous total, index)
     * @param byGroup     the parents sorted by (group, previous total, index)
     * @param prevTotal   previous total per parent
     * @param values      value per parent
     */
    DpCells(int n, int mask, int[][] sub, int[] subCount, int[][] parentClass, int[] group, int[] byTotal,
            int[] byGroup, double[] prevTotal, double[] values) {
        this.mask = mask;
        int parents = byGroup.length;
        boolean full = mask == (1 << n) - 1;

        // 1. the parents sorted by (states of the services in S, group, previous total, index): stable
        //    counting sorts by each service's state, last service first. Then a cell is a run of equal
        //    states and a bucket a run of equal groups within it (a group fixes every configuration).
        //    (With S = every service, each parent is a cell of its own: parents are distinct states.)
        int[] members = full ? byGroup.clone() : sortByStates(n, mask, sub, subCount, byGroup);
        int[] bucketFirst = new int[parents + 1];
        int[] bucketCell = new int[parents];
        int[] bucketOf = new int[parents];
        int[] cellRep = new int[parents];
        int cells = 0;
        int buckets = 0;
        for (int r = 0; r < parents; r++) {
            int s = members[r];
            int prev = r == 0 ? -1 : members[r - 1];
            boolean newCell = prev < 0 || full || !sameStates(n, mask, sub, prev, s);
            if (newCell) {
                cellRep[cells++] = s;
            }
            if (newCell || group[prev] != group[s]) {
                bucketCell[buckets] = cells - 1;
                bucketFirst[buckets++] = r;
            }
            bucketOf[s] = buckets - 1;
        }
        bucketFirst[buckets] = parents;
        int[] cellFirst = new int[cells + 1];
        for (int b = 0; b < buckets; b++) {
            cellFirst[bucketCell[b] + 1] = b + 1;
        }

        // 2. the members of every bucket (ascending by previous total) reduced to records, in place
        int[] recEnd = new int[buckets];
        double[] bestValue = new double[buckets];
        int w = 0;
        int[] recFirst = new int[buckets];
        for (int b = 0; b < buckets; b++) {
            recFirst[b] = w;
            int first = w;
            for (int r = bucketFirst[b]; r < bucketFirst[b + 1]; r++) {
                int s = members[r];
                if (w == first || values[s] > values[members[w - 1]]) {
                    members[w++] = s;
                }
            }
            recEnd[b] = w;
            bestValue[b] = values[members[w - 1]];
        }

        // 3. the buckets of every cell by best value, descending (ties: group order)
        int[] sorted = new int[buckets];
        for (int b = 0; b < buckets; b++) {
            sorted[b] = b;
        }
        int[] tmp = new int[buckets];
        boolean anyMulti = false;
        for (int k = 0; k < cells; k++) {
            if (cellFirst[k + 1] - cellFirst[k] > 1) {
                anyMulti = true;
                sortDescending(sorted, tmp, cellFirst[k], cellFirst[k + 1], bestValue);
            }
        }

        // 4. buckets renumbered in that order
        cellCount = cells;
        cellParent = Arrays.copyOf(cellRep, cells);
        cellStart = cellFirst;
        recStart = new int[buckets + 1];
        bucketClass = new int[buckets * n];
        recParent = new int[w];
        recTotal = new double[w];
        int[] renumbered = tmp;
        int r = 0;
        for (int q = 0; q < buckets; q++) {
            int b = sorted[q];
            renumbered[b] = q;
            recStart[q] = r;
            for (int x = recFirst[b]; x < recEnd[b]; x++) {
                recParent[r] = members[x];
                recTotal[r] = prevTotal[members[x]];
                r++;
            }
            for (int i = 0; i < n; i++) {
                bucketClass[q * n + i] = parentClass[i][recParent[recStart[q]]];
            }
        }
        recStart[buckets] = r;
        cellSharedClass = new int[cells * n];
        for (int k = 0; k < cells; k++) {
            for (int i = 0; i < n; i++) {
                int cls = bucketClass[cellFirst[k] * n + i];
                for (int b = cellFirst[k] + 1; b < cellFirst[k + 1] && cls >= 0; b++) {
                    if (bucketClass[b * n + i] != cls) {
                        cls = -1;
                    }
                }
                cellSharedClass[k * n + i] = cls;
            }
        }

        // 5. records of every cell of several buckets, from the parents sorted by (states of the services
        //    in S, previous total, index): the cells come in the same order as in 1.
        cellRecStart = new int[cells + 1];
        int cw = 0;
        int[] recParents = new int[anyMulti ? parents : 0];
        if (anyMulti) {
            int[] byCell = mask == 0 ? byTotal : sortByStates(n, mask, sub, subCount, byTotal);
            int k = -1;
            int first = 0;
            for (int x = 0; x < parents; x++) {
                int s = byCell[x];
                if (x == 0 || !sameStates(n, mask, sub, byCell[x - 1], s)) {
                    k++;
                    cellRecStart[k] = cw;
                    first = cw;
                }
                if (cellFirst[k + 1] - cellFirst[k] > 1
                        && (cw == first || values[s] > values[recParents[cw - 1]])) {
                    recParents[cw++] = s;
                }
            }
        }
        cellRecStart[cells] = cw;
        cellRecParent = Arrays.copyOf(recParents, cw);
        cellRecTotal = new double[cw];
        cellRecBucket = new int[cw];
        for (int x = 0; x < cw; x++) {
            cellRecTotal[x] = prevTotal[cellRecParent[x]];
            cellRecBucket[x] = renumbered[bucketOf[cellRecParent[x]]];
        }
    }

    /** {@code parents} stably sorted by the states of the services in {@code mask}, lexicographically. */
    private static int[] sortByStates(int n, int mask, int[][] sub, int[] subCount, int[] parents) {
        int[] sorted = parents;
        for (int i = n - 1; i >= 0; i--) {
            if ((mask & (1 << i)) != 0) {
                sorted = countingSort(sorted, sub[i], subCount[i]);
            }
        }
        return sorted == parents ? parents.clone() : sorted;
    }

    /** Whether parents {@code x} and {@code y} agree on the states of the services in {@code mask}. */
    private static boolean sameStates(int n, int mask, int[][] sub, int x, int y) {
        for (int i = 0; i < n; i++) {
            if ((mask & (1 << i)) != 0 && sub[i][x] != sub[i][y]) {
                return false;
            }
        }
        return true;
    }

    /** {@code items} stably sorted by {@code key[item]}, keys in {@code [0, range)}. */
    static int[] countingSort(int[] items, int[] key, int range) {
        int[] start = new int[range + 1];
        for (int s : items) {
            start[key[s] + 1]++;
        }
        for (int k = 0; k < range; k++) {
            start[k + 1] += start[k];
        }
        int[] sorted = new int[items.length];
        for (int s : items) {
            sorted[start[key[s]]++] = s;
        }
        return sorted;
    }

    /** The best parent of bucket {@code b}. */
    int best(int b) {
        return recParent[recStart[b + 1] - 1];
    }

    /** The best parent of bucket {@code b} whose previous total plus {@code added} fits {@code quota}, or -1. */
    int bestFitting(int b, double added, double quota) {
        int lo = recStart[b];
        int hi = recStart[b + 1] - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (recTotal[mid] + added <= quota) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? -1 : recParent[found];
    }

    /**
     * The best record of cell {@code k} (of several buckets), whatever the bucket, whose previous total
     * plus {@code added} fits {@code quota}: its index into the cell records, or -1.
     */
    int cellBestFitting(int k, double added, double quota) {
        int lo = cellRecStart[k];
        int hi = cellRecStart[k + 1] - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (cellRecTotal[mid] + added <= quota) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Stable merge sort of {@code a[from..to)} by {@code key}, descending. */
    static void sortDescending(int[] a, int[] tmp, int from, int to, double[] key) {
        if (to - from < 2) {
            return;
        }
        if (to - from <= 12) {
            for (int x = from + 1; x < to; x++) {
                int v = a[x];
                int y = x - 1;
                while (y >= from && key[a[y]] < key[v]) {
                    a[y + 1] = a[y];
                    y--;
                }
                a[y + 1] = v;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        sortDescending(a, tmp, from, mid, key);
        sortDescending(a, tmp, mid, to, key);
        System.arraycopy(a, from, tmp, from, to - from);
        int x = from;
        int y = mid;
        int o = from;
        while (x < mid && y < to) {
            a[o++] = key[tmp[y]] > key[tmp[x]] ? tmp[y++] : tmp[x++];
        }
        while (x < mid) {
            a[o++] = tmp[x++];
        }
        while (y < to) {
            a[o++] = tmp[y++];
        }
    }
}
