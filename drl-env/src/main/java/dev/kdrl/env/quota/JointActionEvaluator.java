package dev.kdrl.env.quota;

/**
 * Enumerates every joint action from one state, fast: the per-service parts of {@link QuotaModel#decide}
 * (pods, requested cores, scale-down flag and both outcomes, with and without the scale-down check
 * firing) are computed once per service and action, and the joint actions are walked in lexicographic
 * order (service 0 most significant) with running sums. Each joint action's reward equals, bit for bit,
 * {@code model.reward(model.decide(state, action), finalStep)}.
 *
 * <p>Used by the greedy, look-ahead and exact-optimum planners. Not thread-safe; one per thread.
 */
public final class JointActionEvaluator {

    /** Receives each joint action in lexicographic order. */
    @FunctionalInterface
    public interface Visitor {
        /**
         * @param index  lexicographic rank of the joint action
         * @param action the joint action (a shared buffer: copy it to keep it)
         * @param change whether the scale-down check fired (selects each service's outcome)
         * @param reward the step's reward
         */
        void visit(int index, int[] action, boolean change, double reward);
    }

    private final QuotaModel model;
    private final int n;
    private final int[] nvec;
    private final int jointCount;
    // per service, per action
    private final int[][] pods;
    private final double[][] requested;
    private final boolean[][] decrease;
    private final double[][] partial;
    private final double[][] slo;
    // per service, per action, per change (0/1)
    private final int[][][] podsAfter;
    private final double[][][] res;
    private final double[][][] add;
    private final ScaleKind[][][] kinds;
    private final double[] storedRes;
    private double prevTotal;
    // running sums per level
    private final double[] sumReq;
    private final double[] sumPartial;
    private final int[] sumDecrease;
    private final double[][] sumRes;
    private final double[][] sumAdd;
    private final double[] sumSlo;
    private final int[] digits;
    // bounds of bestReward
    private final double[] minResSuffix;
    private final double[] maxSloSuffix;
    private final double[] minAddSuffix;
    // the answer of bestReward and bestImmediate (top(1))
    private final int[][] bestAction;
    private final double[] bestRewardOut = new double[1];
    // the search of top(): the previous call's actions, the floor they give, the list being filled
    private int[][] hints = new int[0][];
    private double[] hintRewards = new double[0];
    private int hintCount;
    private double floor;
    private int[][] topActions;
    private double[] topRewards;
    private int topK;
    private int topSize;

    public JointActionEvaluator(QuotaModel model) {
        this.model = model;
        this.n = model.numServices();
        this.nvec = model.actionSpace().nvec();
        this.jointCount = Math.toIntExact(model.actionSpace().cardinality());
        pods = new int[n][];
        requested = new double[n][];
        decrease = new boolean[n][];
        partial = new double[n][];
        slo = new double[n][];
        podsAfter = new int[n][][];
        res = new double[n][][];
        add = new double[n][][];
        kinds = new ScaleKind[n][][];
        for (int i = 0; i < n; i++) {
            int m = nvec[i];
            pods[i] = new int[m];
            requested[i] = new double[m];
            decrease[i] = new boolean[m];
            partial[i] = new double[m];
            slo[i] = new double[m];
            podsAfter[i] = new int[m][2];
            res[i] = new double[m][2];
            add[i] = new double[m][2];
            kinds[i] = new ScaleKind[m][2];
            ServiceProfile s = model.service(i);
            for (int a = 0; a < m; a++) {
                slo[i][a] = s.sloMs() / s.config(a).latencyMs();
            }
        }
        storedRes = new double[n];
        sumReq = new double[n + 1];
        sumPartial = new double[n + 1];
        sumDecrease = new int[n + 1];
        sumRes = new double[2][n + 1];
        sumAdd = new double[2][n + 1];
        sumSlo = new double[n + 1];
        digits = new int[n];
        minResSuffix = new double[n + 1];
        maxSloSuffix = new double[n + 1];
        minAddSuffix = new double[n + 1];
        bestAction = new int[1][n];
    }

    public QuotaModel model() {
        return model;
    }

    /** Number of joint actions. */
    public int jointCount() {
        return jointCount;
    }

    /**
     * Prepares the per-service tables for one state.
     *
     * @param prevAction previous configuration per service
     * @param prevPod    previous pods per service
     * @param prevRes    previous resources per service (as stored)
     * @param traffic    users per service the decision serves
     */
    public void load(int[] prevAction, int[] prevPod, double[] prevRes, double[] traffic) {
        for (int i = 0; i < n; i++) {
            loadService(i, prevAction[i], prevPod[i], prevRes[i], traffic[i]);
        }
    }

    /**
     * Prepares service {@code i}'s tables alone, leaving the other services' as they were loaded: a planner
     * evaluating many states that differ in a few services reloads only those. After loading every service
     * once in any order, the evaluator is in the state {@link #load(int[], int[], double[], double[])} leaves.
     */
    public void loadService(int i, int prevAction, int prevPod, double prevRes, double traffic) {
        storedRes[i] = prevRes;
        // the previous total summed in service order, as QuotaModel.decide sums it
        double total = 0;
        for (int j = 0; j < n; j++) {
            total += storedRes[j];
        }
        prevTotal = total;
        for (int a = 0; a < nvec[i]; a++) {
            double cpu = model.service(i).config(a).cpu();
            int p = model.podsNeeded(i, a, traffic);
            pods[i][a] = p;
            requested[i][a] = model.requestedCores(p, cpu);
            decrease[i][a] = model.sameConfig(i, prevAction, a) && p < prevPod;
            partial[i][a] = model.inChangeSum(i) ? (decrease[i][a] ? prevRes : requested[i][a]) : 0;
            for (int c = 0; c < 2; c++) {
                ScaleKind k = model.kind(i, prevAction, prevPod, a, p, c == 1);
                kinds[i][a][c] = k;
                add[i][a][c] = model.added(k, p, prevPod, cpu);
                res[i][a][c] = model.resources(k, add[i][a][c], prevRes);
                podsAfter[i][a][c] = QuotaModel.podsAfter(k, p, prevPod);
            }
        }
    }

    /** {@link #load(int[], int[], double[], double[])} from a state. */
    public void load(QuotaState s) {
        load(s.prevAction(), s.prevPod(), s.prevRes(), s.traffic());
    }

    /** Pods of service {@code i} after action {@code a} (for the loaded state). */
    public int podsAfter(int i, int a, boolean change) {
        return podsAfter[i][a][change ? 1 : 0];
    }

    /** Resources of service {@code i} after action {@code a} (for the loaded state), before storing. */
    public double resources(int i, int a, boolean change) {
        return res[i][a][change ? 1 : 0];
    }

    /** What action {@code a} does to service {@code i} (for the loaded state). */
    public ScaleKind kind(int i, int a, boolean change) {
        return kinds[i][a][change ? 1 : 0];
    }

    /** Visits every joint action of the loaded state in lexicographic order. */
    public void forEach(boolean paperFinalStep, Visitor visitor) {
        walk(0, 0, paperFinalStep, visitor);
    }

    private int walk(int level, int index, boolean finalStep, Visitor visitor) {
        int m = nvec[level];
        for (int a = 0; a < m; a++) {
            digits[level] = a;
            int l1 = level + 1;
            sumReq[l1] = sumReq[level] + requested[level][a];
            sumPartial[l1] = sumPartial[level] + partial[level][a];
            sumDecrease[l1] = sumDecrease[level] + (decrease[level][a] ? 1 : 0);
            sumRes[0][l1] = sumRes[0][level] + res[level][a][0];
            sumRes[1][l1] = sumRes[1][level] + res[level][a][1];
            sumAdd[0][l1] = sumAdd[0][level] + add[level][a][0];
            sumAdd[1][l1] = sumAdd[1][level] + add[level][a][1];
            sumSlo[l1] = sumSlo[level] + slo[level][a];
            if (l1 == n) {
                boolean change = model.changeFires(sumDecrease[n] > 0, sumReq[n], sumPartial[n]);
                int c = change ? 1 : 0;
                double reward = model.reward(sumRes[c][n], prevTotal + sumAdd[c][n], sumSlo[n], finalStep);
                visitor.visit(index++, digits, change, reward);
            } else {
                index = walk(l1, index, finalStep, visitor);
            }
        }
        return index;
    }

    /**
     * The highest immediate reward of any joint action of the loaded state: the same value as the best one
     * {@link #forEach} visits, bit for bit, many times faster ({@link #top} with {@code k = 1}). For planners that
     * value a state by what its next decision can reach.
     */
    public double bestReward(boolean paperFinalStep) {
        top(1, paperFinalStep, bestAction, bestRewardOut);
        return bestRewardOut[0];
    }

    /** The suffix bounds of the loaded state's rewards: per level, the remaining services each at its extreme. */
    private void prepareBounds() {
        double minRes = 0;
        double minAdd = 0;
        double maxSlo = 0;
        for (int i = n - 1; i >= 0; i--) {
            minResSuffix[i + 1] = minRes;
            minAddSuffix[i + 1] = minAdd;
            maxSloSuffix[i + 1] = maxSlo;
            double lo = Double.POSITIVE_INFINITY;
            double loAdd = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int a = 0; a < nvec[i]; a++) {
                lo = Math.min(lo, Math.min(res[i][a][0], res[i][a][1]));
                loAdd = Math.min(loAdd, Math.min(add[i][a][0], add[i][a][1]));
                hi = Math.max(hi, slo[i][a]);
            }
            minRes += lo;
            minAdd += loAdd;
            maxSlo += hi;
        }
        minResSuffix[0] = minRes;
        minAddSuffix[0] = minAdd;
        maxSloSuffix[0] = maxSlo;
    }

    /**
     * The {@code k} joint actions of the loaded state with the highest immediate reward, best first, ties in
     * lexicographic order: exactly the list a scan of {@link #forEach} keeping the first {@code k} best gives, rewards
     * bit for bit (each from the same sums in the same order), many times faster. A branch and bound: it walks the
     * joint actions in lexicographic order with the running sums in locals and skips a branch when a bound on its
     * rewards (the remaining services at their cheapest, fastest and least-adding configurations, each bound on its
     * own) is below the {@code k}-th best found so far (or equal to it: a later joint action loses the tie), or below
     * the {@code k}-th best reward, in the loaded state, of the joint actions the previous call returned (a planner
     * ranks many similar states in a row; those are {@code k} joint actions, so the {@code k}-th best is at least
     * that), or when every completion breaks the quota and such rewards cannot enter.
     *
     * @param actions receives the joint actions, rows of {@code numServices} values, at least {@code k} rows
     * @param rewards receives their rewards, at least {@code k} values
     * @return how many were written: {@code min(k, jointCount())}
     */
    public int top(int k, boolean paperFinalStep, int[][] actions, double[] rewards) {
        if (k < 1 || actions.length < k || rewards.length < k) {
            throw new IllegalArgumentException("need 1 <= k <= the rows given (" + actions.length + " actions, "
                    + rewards.length + " rewards), got k = " + k);
        }
        prepareBounds();
        // a lower bound of the k-th best reward: the k-th best of the previous call's actions, in this state
        floor = Double.NEGATIVE_INFINITY;
        if (hintCount >= k) {
            for (int j = 0; j < hintCount; j++) {
                hintRewards[j] = rewardOf(hints[j], paperFinalStep);
            }
            java.util.Arrays.sort(hintRewards, 0, hintCount);
            floor = hintRewards[hintCount - k];
        }
        topActions = actions;
        topRewards = rewards;
        topK = k;
        topSize = 0;
        top(0, 0, 0, 0, 0, 0, 0, 0, 0, paperFinalStep);
        if (hints.length < k) {
            hints = new int[k][n];
            hintRewards = new double[k];
        }
        for (int j = 0; j < topSize; j++) {
            System.arraycopy(actions[j], 0, hints[j], 0, n);
        }
        hintCount = topSize;
        topActions = null;
        topRewards = null;
        return topSize;
    }

    private void top(int level, double req, double part, int dec, double res0, double res1, double add0, double add1,
                     double sloSum, boolean finalStep) {
        int m = nvec[level];
        double[] rq = requested[level];
        double[] pa = partial[level];
        boolean[] de = decrease[level];
        double[][] rs = res[level];
        double[][] ad = add[level];
        double[] sl = slo[level];
        double quota = model.quota();
        boolean leaf = level + 1 == n;
        for (int a = 0; a < m; a++) {
            digits[level] = a;
            double q = req + rq[a];
            double p = part + pa[a];
            int d = dec + (de[a] ? 1 : 0);
            double r0 = res0 + rs[a][0];
            double r1 = res1 + rs[a][1];
            double u0 = add0 + ad[a][0];
            double u1 = add1 + ad[a][1];
            double s = sloSum + sl[a];
            boolean full = topSize == topK;
            double kth = full ? topRewards[topK - 1] : Double.NEGATIVE_INFINITY;
            if (leaf) {
                boolean change = model.changeFires(d > 0, q, p);
                double v = change ? model.reward(r1, prevTotal + u1, s, finalStep)
                        : model.reward(r0, prevTotal + u0, s, finalStep);
                if (full && v <= kth) {
                    continue;
                }
                // insertion keeps the earlier (lexicographically smaller) action first among equal rewards
                int pos = full ? topK - 1 : topSize;
                while (pos > 0 && topRewards[pos - 1] < v) {
                    topRewards[pos] = topRewards[pos - 1];
                    System.arraycopy(topActions[pos - 1], 0, topActions[pos], 0, n);
                    pos--;
                }
                topRewards[pos] = v;
                System.arraycopy(digits, 0, topActions[pos], 0, n);
                if (!full) {
                    topSize++;
                }
            } else {
                int l1 = level + 1;
                double minTotal = Math.min(r0, r1) + minResSuffix[l1];
                if ((kth >= -100 || floor > -100) && minTotal > quota * (1 + SLACK)) {
                    continue; // every completion is over quota: -100, not above what is kept or bound to be
                }
                boolean overlapFits = finalStep || prevTotal + Math.min(u0, u1) + minAddSuffix[l1] <= quota * (1 + SLACK);
                double bound = (overlapFits ? 200 : 100) * (s + maxSloSuffix[l1] + 9 * quota / minTotal);
                if (bound * (1 + SLACK) < kth || bound * (1 + SLACK) < floor) {
                    continue;
                }
                top(l1, q, p, d, r0, r1, u0, u1, s, finalStep);
            }
        }
    }

    /** The reward of one joint action of the loaded state, summed as {@link #top} sums it. */
    private double rewardOf(int[] action, boolean finalStep) {
        double q = 0;
        double p = 0;
        int d = 0;
        double r0 = 0;
        double r1 = 0;
        double u0 = 0;
        double u1 = 0;
        double s = 0;
        for (int i = 0; i < n; i++) {
            int a = action[i];
            q = q + requested[i][a];
            p = p + partial[i][a];
            d = d + (decrease[i][a] ? 1 : 0);
            r0 = r0 + res[i][a][0];
            r1 = r1 + res[i][a][1];
            u0 = u0 + add[i][a][0];
            u1 = u1 + add[i][a][1];
            s = s + slo[i][a];
        }
        boolean change = model.changeFires(d > 0, q, p);
        return change ? model.reward(r1, prevTotal + u1, s, finalStep) : model.reward(r0, prevTotal + u0, s, finalStep);
    }

    /** Relative slack of the bounds, far above the rounding of a few additions. */
    private static final double SLACK = 1e-9;

    /**
     * The joint action of the loaded state that holds the least CPU after the decision (the sum of each service's
     * {@link #resources} under the scale-down check the whole decision fires); ties go to the first in lexicographic
     * order. A walk over every joint action: for when no joint action fits the quota, where every one earns the
     * over-quota reward and the immediate reward cannot choose.
     */
    public int[] leastTotal() {
        int[] least = new int[n];
        double[] leastTotal = {Double.POSITIVE_INFINITY};
        forEach(false, (index, action, change, reward) -> {
            double total = 0;
            for (int i = 0; i < n; i++) {
                total += resources(i, action[i], change);
            }
            if (total < leastTotal[0]) {
                leastTotal[0] = total;
                System.arraycopy(action, 0, least, 0, n);
            }
        });
        return least;
    }

    /**
     * The joint action with the highest immediate reward; ties go to the first in lexicographic order ({@link #top}
     * with {@code k = 1}).
     */
    public int[] bestImmediate(boolean paperFinalStep) {
        top(1, paperFinalStep, bestAction, bestRewardOut);
        return bestAction[0].clone();
    }

    /**
     * {@link #bestImmediate}, or {@link #leastTotal} when no joint action fits the quota, from one search: a reward is
     * positive whenever the decision fits, so a negative best means every joint action earns the over-quota reward,
     * and the first in order could ask for far more CPU than another.
     */
    public int[] bestImmediateOrLeastTotal(boolean paperFinalStep) {
        top(1, paperFinalStep, bestAction, bestRewardOut);
        return bestRewardOut[0] < 0 ? leastTotal() : bestAction[0].clone();
    }
}
