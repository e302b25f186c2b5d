package dev.kdrl.env.baseline;

import dev.kdrl.env.quota.JointActionEvaluator;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The exact best action sequence over a known traffic trace, by forward dynamic programming over the
 * reachable decision states {@code (prevAction, prevPod, prevRes)} (the observation follows from the
 * state and the step), merged per step: two paths that reach the same state keep only the better one.
 * Undiscounted. Ties go to the path found first: parent states in order of discovery, joint actions in
 * lexicographic order.
 *
 * <p>Per step, each service's possible outcomes are interned once per distinct service-level parent
 * state, so the inner loop over parents times joint actions is a few additions and one hash look-up.
 */
final class NaiveOptimalPlanner {
    private final QuotaModel model;
    private final int n;
    private final int[] nvec;
    private final int bits;

    /** The best plan found: its undiscounted return and the joint action of every step. */
    public record Plan(double value, List<int[]> actions, int maxStates) {
    }

    NaiveOptimalPlanner(QuotaModel model) {
        this.model = model;
        this.n = model.numServices();
        this.nvec = model.actionSpace().nvec();
        this.bits = Math.min(31, 63 / n);
    }

    /** The exact optimum of a whole episode of {@code env}'s model over its trace. */
    public static Plan solve(QuotaEnv env) {
        QuotaState start = env.model().initialState(env.trace().row(0));
        return new NaiveOptimalPlanner(env.model()).solve(start, env::trafficAt, env.episodeLength());
    }

    /**
     * The best {@code steps} decisions from {@code start}.
     *
     * @param start     the state before the first decision (its traffic is the first decision's)
     * @param trafficAt traffic served by the decision at absolute step {@code s} (0-based), for
     *                  {@code s > start.step()}
     * @param steps     number of decisions to plan, &gt;= 1
     */
    public Plan solve(QuotaState start, IntFunction<double[]> trafficAt, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        Layer layer = new Layer(start.prevAction(), start.prevPod(), start.prevRes());
        List<Layer> layers = new ArrayList<>();
        JointActionEvaluator eval = new JointActionEvaluator(model);
        int maxStates = 1;
        double[] traffic = start.traffic();
        for (int k = 0; k < steps; k++) {
            int absolute = start.step() + k;
            boolean paperFinal = model.isPaperFinalStep(absolute);
            layers.add(layer);
            if (k == steps - 1) {
                Layer last = finalLayer(layer, eval, traffic, paperFinal);
                layers.add(last);
                break;
            }
            layer = expand(layer, eval, traffic, paperFinal);
            maxStates = Math.max(maxStates, layer.size);
            traffic = trafficAt.apply(absolute + 1);
        }
        // walk back from the best terminal entry
        Layer last = layers.get(layers.size() - 1);
        int best = 0;
        for (int s = 1; s < last.size; s++) {
            if (last.value[s] > last.value[best]) {
                best = s;
            }
        }
        double value = last.value[best];
        int[][] plan = new int[steps][];
        int idx = best;
        for (int k = steps; k >= 1; k--) {
            Layer l = layers.get(k);
            plan[k - 1] = model.actionSpace().unflatten(l.action[idx]);
            idx = l.parent[idx];
        }
        return new Plan(value, List.of(plan), maxStates);
    }

    /** A set of states reached after some steps, each with its best value and how it was reached. */
    private final class Layer {
        int size;
        int[][] prevAction;
        int[][] prevPod;
        double[][] prevRes;
        double[] value;
        int[] parent;
        int[] action;

        Layer(int capacity) {
            prevAction = new int[n][capacity];
            prevPod = new int[n][capacity];
            prevRes = new double[n][capacity];
            value = new double[capacity];
            parent = new int[capacity];
            action = new int[capacity];
        }

        Layer(int[] a, int[] p, double[] r) {
            this(1);
            for (int i = 0; i < n; i++) {
                prevAction[i][0] = a[i];
                prevPod[i][0] = p[i];
                prevRes[i][0] = r[i];
            }
            size = 1;
        }

        void ensure(int cap) {
            if (cap <= value.length) {
                return;
            }
            int c = Math.max(cap, value.length * 2);
            for (int i = 0; i < n; i++) {
                prevAction[i] = Arrays.copyOf(prevAction[i], c);
                prevPod[i] = Arrays.copyOf(prevPod[i], c);
                prevRes[i] = Arrays.copyOf(prevRes[i], c);
            }
            value = Arrays.copyOf(value, c);
            parent = Arrays.copyOf(parent, c);
            action = Arrays.copyOf(action, c);
        }
    }

    /** A service-level state {@code (action, pods, resources)}. */
    private record Sub(int action, int pods, double res) {
    }

    private Layer finalLayer(Layer from, JointActionEvaluator eval, double[] traffic, boolean paperFinal) {
        Layer out = new Layer(from.size);
        int[] a = new int[n];
        int[] p = new int[n];
        double[] r = new double[n];
        for (int s = 0; s < from.size; s++) {
            load(from, s, eval, traffic, a, p, r);
            double base = from.value[s];
            int parent = s;
            double[] bestReward = {Double.NEGATIVE_INFINITY};
            int[] bestIndex = {0};
            eval.forEach(paperFinal, (index, action, change, reward) -> {
                if (reward > bestReward[0]) {
                    bestReward[0] = reward;
                    bestIndex[0] = index;
                }
            });
            out.value[s] = base + bestReward[0];
            out.parent[s] = parent;
            out.action[s] = bestIndex[0];
        }
        out.size = from.size;
        return out;
    }

    private void load(Layer from, int s, JointActionEvaluator eval, double[] traffic, int[] a, int[] p, double[] r) {
        for (int i = 0; i < n; i++) {
            a[i] = from.prevAction[i][s];
            p[i] = from.prevPod[i][s];
            r[i] = from.prevRes[i][s];
        }
        eval.load(a, p, r, traffic);
    }

    private Layer expand(Layer from, JointActionEvaluator eval, double[] traffic, boolean paperFinal) {
        // intern service-level outcomes: per service, per distinct parent sub-state, per action and change
        List<Map<Sub, Integer>> outIds = new ArrayList<>(n);
        List<List<Sub>> outSubs = new ArrayList<>(n);
        List<Map<Sub, int[]>> parentTables = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            outIds.add(new HashMap<>());
            outSubs.add(new ArrayList<>());
            parentTables.add(new HashMap<>());
        }
        int[][][] rows = new int[from.size][n][];
        int[] a = new int[n];
        int[] p = new int[n];
        double[] r = new double[n];
        // outcome tables are computed from a full evaluator load of a parent having that sub-state
        for (int s = 0; s < from.size; s++) {
            boolean loaded = false;
            for (int i = 0; i < n; i++) {
                Sub parentSub = new Sub(from.prevAction[i][s], from.prevPod[i][s], from.prevRes[i][s]);
                int[] table = parentTables.get(i).get(parentSub);
                if (table == null) {
                    if (!loaded) {
                        load(from, s, eval, traffic, a, p, r);
                        loaded = true;
                    }
                    table = new int[nvec[i] * 2];
                    for (int act = 0; act < nvec[i]; act++) {
                        for (int c = 0; c < 2; c++) {
                            Sub out = new Sub(act, eval.podsAfter(i, act, c == 1),
                                    model.store(eval.resources(i, act, c == 1)));
                            Integer id = outIds.get(i).get(out);
                            if (id == null) {
                                id = outSubs.get(i).size();
                                if (id >= (1L << bits)) {
                                    throw new IllegalStateException("too many distinct states of service "
                                            + model.service(i).name() + " for the exact optimum (" + id + ")");
                                }
                                outIds.get(i).put(out, id);
                                outSubs.get(i).add(out);
                            }
                            table[2 * act + c] = id;
                        }
                    }
                    parentTables.get(i).put(parentSub, table);
                }
                rows[s][i] = table;
            }
        }

        Layer out = new Layer(Math.max(16, from.size * 4));
        LongIntMap index = new LongIntMap(Math.max(16, from.size * 4));
        for (int s = 0; s < from.size; s++) {
            load(from, s, eval, traffic, a, p, r);
            final double base = from.value[s];
            final int parent = s;
            final int[][] tables = rows[s];
            eval.forEach(paperFinal, (jointIndex, action, change, reward) -> {
                int c = change ? 1 : 0;
                long key = 0;
                for (int i = 0; i < n; i++) {
                    key = (key << bits) | tables[i][2 * action[i] + c];
                }
                double v = base + reward;
                int at = index.get(key);
                if (at < 0) {
                    at = out.size++;
                    out.ensure(out.size);
                    index.put(key, at);
                    for (int i = 0; i < n; i++) {
                        Sub sub = outSubs.get(i).get(tables[i][2 * action[i] + c]);
                        out.prevAction[i][at] = sub.action();
                        out.prevPod[i][at] = sub.pods();
                        out.prevRes[i][at] = sub.res();
                    }
                    out.value[at] = v;
                    out.parent[at] = parent;
                    out.action[at] = jointIndex;
                } else if (v > out.value[at]) {
                    out.value[at] = v;
                    out.parent[at] = parent;
                    out.action[at] = jointIndex;
                }
            });
        }
        return out;
    }
}
