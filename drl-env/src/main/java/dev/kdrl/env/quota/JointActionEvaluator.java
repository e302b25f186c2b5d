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
        prevTotal = 0;
        for (int i = 0; i < n; i++) {
            prevTotal += prevRes[i];
            storedRes[i] = prevRes[i];
            for (int a = 0; a < nvec[i]; a++) {
                double cpu = model.service(i).config(a).cpu();
                int p = model.podsNeeded(i, a, traffic[i]);
                pods[i][a] = p;
                requested[i][a] = model.requestedCores(p, cpu);
                decrease[i][a] = model.sameConfig(i, prevAction[i], a) && p < prevPod[i];
                partial[i][a] = model.inChangeSum(i) ? (decrease[i][a] ? prevRes[i] : requested[i][a]) : 0;
                for (int c = 0; c < 2; c++) {
                    ScaleKind k = model.kind(i, prevAction[i], prevPod[i], a, p, c == 1);
                    kinds[i][a][c] = k;
                    add[i][a][c] = model.added(k, p, prevPod[i], cpu);
                    res[i][a][c] = model.resources(k, add[i][a][c], prevRes[i]);
                    podsAfter[i][a][c] = QuotaModel.podsAfter(k, p, prevPod[i]);
                }
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
     * The joint action with the highest immediate reward; ties go to the first in lexicographic order.
     */
    public int[] bestImmediate(boolean paperFinalStep) {
        double[] best = {Double.NEGATIVE_INFINITY};
        int[] arg = new int[n];
        forEach(paperFinalStep, (index, action, change, reward) -> {
            if (reward > best[0]) {
                best[0] = reward;
                System.arraycopy(action, 0, arg, 0, n);
            }
        });
        return arg;
    }
}
