package dev.kdrl.env.baseline;

import dev.kdrl.core.space.MultiDiscrete;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.quota.ScaleKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * The exact best action sequence over a known traffic trace: forward dynamic programming over the
 * reachable decision states {@code (prevAction, prevPod, prevRes)} per service (the observation follows
 * from the state and the step), merged per step so that of two paths reaching the same state only the
 * better one is kept. Undiscounted.
 *
 * <p><b>Why it is fast.</b> A joint action's outcome depends on a parent state only through the
 * services whose new configuration equals the running one ("same" services: K-HPA add, keep or
 * scale-down check); every other service rolls out a fresh revision whose size depends on the action and
 * the traffic alone. And the reward depends on the parent's other services only through its previous
 * total, which decides whether the roll-out's peak fits the quota (weight 200) or not (100). So for each
 * set {@code S} of "same" services the parents are grouped into cells by the states of the services in
 * {@code S} alone, whatever the configurations of the others ({@link DpCells}); each (cell, joint action)
 * is evaluated once, its successor looked up once, and the best parent is picked among the cell's
 * parents whose other services all change configuration: the best one overall or the best one whose
 * previous total leaves room for the roll-out. (With {@code S} empty there is a single cell: the
 * successor of an all-fresh action depends on the action alone.)
 *
 * <p>Every reward is still computed by {@link QuotaModel#reward(double, double, double, boolean)} from the
 * same sums, in the same order, as {@link QuotaModel#decide}: the plan replays to exactly its value.
 *
 * <p>Service-level states are interned per step ({@link DpSubStates}), so a state is a tuple of small
 * ids, packed into one {@code long} key. Ties between equal values go to the candidate met first in a
 * fixed, deterministic order, the same for any number of threads.
 */
public final class OptimalPlanner {
    private final QuotaModel model;
    private final int n;
    private final int[] nvec;
    private final int bits;
    private final MultiDiscrete space;
    private final int threads;
    /** Configuration class of each action: the smallest action with the same deployment. */
    private final int[][] configClass;
    /** Per service and class (indexed by the class's smallest action): the actions in it, else null. */
    private final int[][][] classActions;
    /** Per service and class (as above): the actions outside it. */
    private final int[][][] otherActions;
    /** SLO / latency per service and action. */
    private final double[][] sloRatio;

    /**
     * The work of a step is split into this many partitions by the first service's action (so the
     * result never depends on the number of threads), run on up to that many threads.
     */
    private static final int PARTITIONS = 2;

    /**
     * The best plan found. Immutable: the actions are copied in, and out by {@link #actions()} (use {@link
     * #action(int)} for one step); equal plans have equal values, actions (by content) and state counts.
     *
     * @param value     its undiscounted return
     * @param actions   the joint action of every step
     * @param maxStates the largest number of distinct states kept at one step
     */
    public record Plan(double value, List<int[]> actions, int maxStates) {
        public Plan {
            actions = actions.stream().map(int[]::clone).toList();
        }

        /** A copy of every step's joint action. */
        @Override
        public List<int[]> actions() {
            return actions.stream().map(int[]::clone).toList();
        }

        /** The joint action of step {@code step} (a copy). */
        public int[] action(int step) {
            return actions.get(step).clone();
        }

        /** The number of steps planned. */
        public int steps() {
            return actions.size();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Plan p && Double.compare(value, p.value) == 0 && maxStates == p.maxStates
                    && java.util.Arrays.deepEquals(actions.toArray(), p.actions.toArray());
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Double.hashCode(value) + java.util.Arrays.deepHashCode(actions.toArray())) + maxStates;
        }

        /** The value, the number of decisions and the first few of them (the arrays' contents, not their identities). */
        @Override
        public String toString() {
            StringBuilder first = new StringBuilder();
            for (int i = 0; i < Math.min(3, actions.size()); i++) {
                first.append(i == 0 ? "" : ", ").append(java.util.Arrays.toString(actions.get(i)));
            }
            return "Plan[value=" + value + ", " + actions.size() + " actions [" + first
                    + (actions.size() > 3 ? ", ..." : "") + "], maxStates=" + maxStates + "]";
        }
    }

    /** A planner using up to two threads (fewer on a single-core machine). */
    public OptimalPlanner(QuotaModel model) {
        this(model, Math.min(PARTITIONS, Runtime.getRuntime().availableProcessors()));
    }

    /** A planner using {@code threads} threads; the plan is the same for any number. */
    public OptimalPlanner(QuotaModel model, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.model = model;
        this.n = model.numServices();
        if (n > 20) {
            throw new IllegalArgumentException("the exact optimum supports at most 20 services, got " + n);
        }
        this.space = model.actionSpace();
        this.nvec = space.nvec();
        this.bits = 63 / n;
        configClass = new int[n][];
        classActions = new int[n][][];
        otherActions = new int[n][][];
        sloRatio = new double[n][];
        for (int i = 0; i < n; i++) {
            int m = nvec[i];
            configClass[i] = new int[m];
            classActions[i] = new int[m][];
            otherActions[i] = new int[m][];
            sloRatio[i] = new double[m];
            for (int a = 0; a < m; a++) {
                int c = 0;
                while (!model.sameConfig(i, c, a)) {
                    c++;
                }
                configClass[i][a] = c;
                sloRatio[i][a] = model.service(i).sloMs() / model.service(i).config(a).latencyMs();
            }
            for (int c = 0; c < m; c++) {
                final int cls = c;
                final int service = i;
                int[] members = IntStream.range(0, m).filter(a -> configClass[service][a] == cls).toArray();
                classActions[i][c] = members.length == 0 ? null : members;
                otherActions[i][c] = IntStream.range(0, m).filter(a -> configClass[service][a] != cls).toArray();
            }
        }
    }

    /** The exact optimum of a whole episode of {@code env}'s model over its trace. */
    public static Plan solve(QuotaEnv env) {
        java.util.Objects.requireNonNull(env, "env");
        QuotaState start = env.model().initialState(env.trace().row(0));
        return new OptimalPlanner(env.model()).solve(start, env::trafficAt, env.episodeLength());
    }

    /**
     * The best {@code steps} decisions from {@code start}.
     *
     * @param start     the state before the first decision (its traffic is the first decision's)
     * @param trafficAt traffic served by the decision at absolute step {@code s} (0-based), asked for
     *                  {@code s > start.step()} only
     * @param steps     number of decisions to plan, &gt;= 1
     */
    public Plan solve(QuotaState start, IntFunction<double[]> trafficAt, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        if (space.cardinality() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the exact optimum supports at most 2^31 - 1 joint actions, got "
                    + space.cardinality());
        }
        DpSubStates[] subs = newSubStates();
        Layer layer = new Layer(1);
        for (int i = 0; i < n; i++) {
            layer.sub[i][0] = subs[i].id(start.prevAction()[i], start.prevPod()[i], start.prevRes()[i]);
        }
        layer.size = 1;
        List<Layer> layers = new ArrayList<>();
        int maxStates = 1;
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "optimal-planner");
            t.setDaemon(true);
            return t;
        });
        double[] traffic = start.traffic();
        Best best = null;
        try {
            for (int k = 0; k < steps; k++) {
                int absolute = start.step() + k;
                boolean paperFinal = model.isPaperFinalStep(absolute);
                boolean last = k == steps - 1;
                layers.add(layer);
                Step step = new Step(layer, subs, traffic, paperFinal, last);
                step.run(pool);
                layer.release();
                if (last) {
                    best = step.best;
                } else {
                    layer = step.out;
                    subs = step.next;
                    maxStates = Math.max(maxStates, layer.size);
                    traffic = trafficAt.apply(absolute + 1);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        int[][] plan = new int[steps][];
        plan[steps - 1] = space.unflatten(best.action);
        int idx = best.parent;
        for (int k = steps - 1; k >= 1; k--) {
            Layer l = layers.get(k);
            plan[k - 1] = space.unflatten(l.action[idx]);
            idx = l.parent[idx];
        }
        return new Plan(best.value, List.of(plan), maxStates);
    }

    private DpSubStates[] newSubStates() {
        DpSubStates[] subs = new DpSubStates[n];
        for (int i = 0; i < n; i++) {
            subs[i] = new DpSubStates(model.service(i).name(), bits >= 31 ? Integer.MAX_VALUE : 1 << bits);
        }
        return subs;
    }

    /**
     * States reached after some steps: per state the service-level state id of every service, its best
     * value and how it was reached.
     */
    private final class Layer {
        int size;
        int[][] sub;
        double[] value;
        int[] parent;
        int[] action;

        Layer(int capacity) {
            sub = new int[n][capacity];
            value = new double[capacity];
            parent = new int[capacity];
            action = new int[capacity];
        }

        void append(Layer other) {
            int at = size;
            ensure(size + other.size);
            for (int i = 0; i < n; i++) {
                System.arraycopy(other.sub[i], 0, sub[i], at, other.size);
            }
            System.arraycopy(other.value, 0, value, at, other.size);
            System.arraycopy(other.parent, 0, parent, at, other.size);
            System.arraycopy(other.action, 0, action, at, other.size);
            size += other.size;
        }

        int add() {
            ensure(size + 1);
            return size++;
        }

        private void ensure(int capacity) {
            if (capacity > value.length) {
                int c = Math.max(capacity, value.length * 2);
                for (int i = 0; i < n; i++) {
                    sub[i] = Arrays.copyOf(sub[i], c);
                }
                value = Arrays.copyOf(value, c);
                parent = Arrays.copyOf(parent, c);
                action = Arrays.copyOf(action, c);
            }
        }

        /** Keeps only what the walk back needs. */
        void release() {
            sub = null;
            value = null;
        }
    }

    /** The best last step: value, parent state index and joint action index. */
    private static final class Best {
        double value = Double.NEGATIVE_INFINITY;
        int parent;
        int action;
    }

    /**
     * The actions one service may take in one walk, with everything a decision for it depends on, per
     * position {@code j} in {@link #action} and scale-down check outcome ({@code 0}: no change, {@code 1}:
     * change): either the "same" actions from one service-level state, or fresh revisions (state-free).
     */
    private static final class Choices {
        final int[] action;
        final double[] requested;
        final double[] partial;
        final int[] decrease;
        final double[] res0;
        final double[] res1;
        final double[] add0;
        final double[] add1;
        final int[] out0;
        final int[] out1;

        Choices(int[] action) {
            int m = action.length;
            this.action = action;
            requested = new double[m];
            partial = new double[m];
            decrease = new int[m];
            res0 = new double[m];
            res1 = new double[m];
            add0 = new double[m];
            add1 = new double[m];
            out0 = new int[m];
            out1 = new int[m];
        }

        /** The choices of {@code from} at positions {@code positions}, in that order. */
        Choices(Choices from, int[] positions) {
            this(pick(from.action, positions));
            for (int j = 0; j < positions.length; j++) {
                int p = positions[j];
                requested[j] = from.requested[p];
                partial[j] = from.partial[p];
                decrease[j] = from.decrease[p];
                res0[j] = from.res0[p];
                res1[j] = from.res1[p];
                add0[j] = from.add0[p];
                add1[j] = from.add1[p];
                out0[j] = from.out0[p];
                out1[j] = from.out1[p];
            }
        }

        private static int[] pick(int[] values, int[] positions) {
            int[] r = new int[positions.length];
            for (int j = 0; j < r.length; j++) {
                r[j] = values[positions[j]];
            }
            return r;
        }
    }

    /** One DP step: from a layer of parents to the layer of successors (or the best last step). */
    private final class Step {
        final Layer from;
        final DpSubStates[] prev;
        final DpSubStates[] next = newSubStates();
        final double[] traffic;
        final boolean paperFinal;
        final boolean last;
        /** Per service: the choices of every service-level state of the parents (by id; null if unused). */
        final Choices[][] stateChoices = new Choices[n][];
        /** Per service: every action as a fresh revision. */
        final Choices[] freshAll = new Choices[n];
        /** Per service and class: the actions outside that class, as fresh revisions. */
        final Choices[][] freshOther = new Choices[n][];
        final double[] prevTotal;
        final DpCells[] cells = new DpCells[1 << n];
        Layer out;
        Best best;

        Step(Layer from, DpSubStates[] prev, double[] traffic, boolean paperFinal, boolean last) {
            this.from = from;
            this.prev = prev;
            this.traffic = traffic;
            this.paperFinal = paperFinal;
            this.last = last;
            this.prevTotal = new double[from.size];
        }

        void run(ExecutorService pool) {
            prepare(pool);
            List<Worker> workers = new ArrayList<>(PARTITIONS);
            List<Callable<Void>> tasks = new ArrayList<>(PARTITIONS);
            for (int part = 0; part < PARTITIONS; part++) {
                Worker w = new Worker(this, part);
                workers.add(w);
                tasks.add(() -> {
                    w.run();
                    return null;
                });
            }
            runAll(pool, tasks);
            // merge in partition order: deterministic whatever the thread timing
            if (last) {
                best = new Best();
                for (Worker w : workers) {
                    if (w.best.value > best.value) {
                        best = w.best;
                    }
                }
                return;
            }
            int total = 0;
            for (Worker w : workers) {
                total += w.out.size;
            }
            out = new Layer(Math.max(1, total));
            for (Worker w : workers) {
                out.append(w.out);
            }
        }

        /** Choices per service, previous totals, and the cells of every set of "same" services. */
        private void prepare(ExecutorService pool) {
            int parents = from.size;
            int[][] parentClass = new int[n][parents];
            for (int i = 0; i < n; i++) {
                buildChoices(i);
                int[] sub = from.sub[i];
                for (int s = 0; s < parents; s++) {
                    parentClass[i][s] = configClass[i][prev[i].action(sub[s])];
                }
            }
            for (int s = 0; s < parents; s++) {
                double t = 0;
                for (int i = 0; i < n; i++) {
                    t += prev[i].res(from.sub[i][s]);
                }
                prevTotal[s] = t;
            }
            // by previous total, then (stable) by configuration classes: groups of parents with the same classes
            int[] order = sortByTotal(parents);
            int[] byGroup = order;
            for (int i = n - 1; i >= 0; i--) {
                byGroup = DpCells.countingSort(byGroup, parentClass[i], nvec[i]);
            }
            int[] group = new int[parents];
            int groups = 0;
            for (int r = 0; r < parents; r++) {
                int s = byGroup[r];
                boolean same = r > 0;
                for (int i = 0; i < n && same; i++) {
                    same = parentClass[i][s] == parentClass[i][byGroup[r - 1]];
                }
                if (!same) {
                    groups++;
                }
                group[s] = groups - 1;
            }
            int[] subCount = new int[n];
            for (int i = 0; i < n; i++) {
                subCount[i] = prev[i].size();
            }
            final int[] sorted = byGroup;
            List<Callable<Void>> tasks = new ArrayList<>(cells.length);
            for (int mask = 0; mask < cells.length; mask++) {
                final int m = mask;
                tasks.add(() -> {
                    cells[m] = new DpCells(n, m, from.sub, subCount, parentClass, group, order, sorted,
                            prevTotal, from.value);
                    return null;
                });
            }
            runAll(pool, tasks);
        }

        /**
         * The parents sorted by previous total, ascending, ties in index order: a counting sort by the
         * rank of the total among the distinct totals (few: totals are sums of a few resource sizes).
         */
        private int[] sortByTotal(int parents) {
            LongIntMap ids = new LongIntMap(64);
            double[] distinct = new double[16];
            int[] id = new int[parents];
            int count = 0;
            for (int s = 0; s < parents; s++) {
                double t = prevTotal[s];
                int d = ids.putIfAbsent(Double.doubleToRawLongBits(t), count);
                if (d < 0) {
                    d = count++;
                    if (d == distinct.length) {
                        distinct = Arrays.copyOf(distinct, 2 * d);
                    }
                    distinct[d] = t;
                }
                id[s] = d;
            }
            double[] ascending = Arrays.copyOf(distinct, count);
            Arrays.sort(ascending);
            int[] rankOf = new int[count];
            for (int d = 0; d < count; d++) {
                rankOf[d] = Arrays.binarySearch(ascending, distinct[d]);
            }
            int[] identity = new int[parents];
            for (int s = 0; s < parents; s++) {
                identity[s] = s;
                id[s] = rankOf[id[s]];
            }
            return DpCells.countingSort(identity, id, count);
        }

        /** The choices of service {@code i}: fresh revisions, then the "same" actions of each parent state. */
        private void buildChoices(int i) {
            int m = nvec[i];
            double users = traffic[i];
            int[] pods = new int[m];
            double[] cpu = new double[m];
            double[] requested = new double[m];
            int[] all = new int[m];
            for (int a = 0; a < m; a++) {
                cpu[a] = model.service(i).config(a).cpu();
                pods[a] = model.podsNeeded(i, a, users);
                requested[a] = model.requestedCores(pods[a], cpu[a]);
                all[a] = a;
            }
            boolean inSum = model.inChangeSum(i);
            Choices fresh = new Choices(all);
            for (int a = 0; a < m; a++) {
                double add = model.added(ScaleKind.FRESH, pods[a], 0, cpu[a]);
                double res = model.resources(ScaleKind.FRESH, add, 0);
                int out = next[i].id(a, QuotaModel.podsAfter(ScaleKind.FRESH, pods[a], 0), model.store(res));
                fresh.requested[a] = requested[a];
                fresh.partial[a] = inSum ? requested[a] : 0;
                fresh.res0[a] = res;
                fresh.res1[a] = res;
                fresh.add0[a] = add;
                fresh.add1[a] = add;
                fresh.out0[a] = out;
                fresh.out1[a] = out;
            }
            freshAll[i] = fresh;
            freshOther[i] = new Choices[m];
            for (int c = 0; c < m; c++) {
                if (classActions[i][c] != null) {
                    // positions in fresh are actions
                    freshOther[i][c] = new Choices(fresh, otherActions[i][c]);
                }
            }
            Choices[] byState = new Choices[prev[i].size()];
            int[] sub = from.sub[i];
            for (int s = 0; s < from.size; s++) {
                int u = sub[s];
                if (byState[u] != null) {
                    continue;
                }
                int prevAction = prev[i].action(u);
                int prevPod = prev[i].pods(u);
                double prevRes = prev[i].res(u);
                Choices ch = new Choices(classActions[i][configClass[i][prevAction]]);
                for (int j = 0; j < ch.action.length; j++) {
                    int a = ch.action[j];
                    int p = pods[a];
                    boolean decrease = p < prevPod;
                    ch.requested[j] = requested[a];
                    ch.partial[j] = inSum ? (decrease ? prevRes : requested[a]) : 0;
                    ch.decrease[j] = decrease ? 1 : 0;
                    for (int c = 0; c < 2; c++) {
                        ScaleKind kind = model.kind(i, prevAction, prevPod, a, p, c == 1);
                        double add = model.added(kind, p, prevPod, cpu[a]);
                        double res = model.resources(kind, add, prevRes);
                        int out = next[i].id(a, QuotaModel.podsAfter(kind, p, prevPod), model.store(res));
                        if (c == 0) {
                            ch.add0[j] = add;
                            ch.res0[j] = res;
                            ch.out0[j] = out;
                        } else {
                            ch.add1[j] = add;
                            ch.res1[j] = res;
                            ch.out1[j] = out;
                        }
                    }
                }
                byState[u] = ch;
            }
            stateChoices[i] = byState;
        }
    }

    /** Runs the tasks on the pool and waits for all of them. */
    private static void runAll(ExecutorService pool, List<Callable<Void>> tasks) {
        List<Future<Void>> running = new ArrayList<>(tasks.size());
        for (Callable<Void> t : tasks) {
            running.add(pool.submit(t));
        }
        for (Future<Void> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while planning", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /**
     * Walks every cell for the joint actions whose first service's action falls in its partition; the
     * partitions' successors are disjoint (the action is part of the state), so workers share nothing
     * but read-only tables.
     */
    private final class Worker {
        final Step step;
        final int part;
        final Layer out;
        final LongIntMap index;
        final Best best = new Best();
        final double quota = model.quota();
        final double[] prevTotal;
        final double[] values;
        final long idMask = (1L << bits) - 1;
        // the cell being walked
        DpCells cells;
        int cell;
        int firstBucket;
        int endBucket;
        boolean multi;
        final Choices[] choices = new Choices[n];
        final int[] others = new int[n];
        int otherCount;
        // per level: the chosen action's class and running sums over the services before it
        final int[] actionClass = new int[n];
        final double[] sumReq = new double[n + 1];
        final double[] sumPartial = new double[n + 1];
        final int[] sumDecrease = new int[n + 1];
        final double[] sumRes0 = new double[n + 1];
        final double[] sumRes1 = new double[n + 1];
        final double[] sumAdd0 = new double[n + 1];
        final double[] sumAdd1 = new double[n + 1];
        final double[] sumSlo = new double[n + 1];
        final int[] sumJoint = new int[n + 1];
        final long[] key0 = new long[n + 1];
        final long[] key1 = new long[n + 1];

        Worker(Step step, int part) {
            this.step = step;
            this.part = part;
            int expected = Math.max(16, step.from.size);
            this.out = step.last ? null : new Layer(expected);
            this.index = step.last ? null : new LongIntMap(expected);
            this.prevTotal = step.prevTotal;
            this.values = step.from.value;
        }

        void run() {
            for (DpCells c : step.cells) {
                for (int k = 0; k < c.cellCount; k++) {
                    walkCell(c, k);
                }
            }
        }

        private void walkCell(DpCells c, int k) {
            cells = c;
            cell = k;
            firstBucket = c.cellStart[k];
            endBucket = c.cellStart[k + 1];
            multi = endBucket - firstBucket > 1;
            otherCount = 0;
            int parent = c.cellParent[k];
            for (int i = 0; i < n; i++) {
                Choices ch;
                if ((c.mask & (1 << i)) != 0) {
                    ch = step.stateChoices[i][step.from.sub[i][parent]];
                } else {
                    others[otherCount++] = i;
                    // the actions outside the class shared by all buckets, if there is one
                    int cls = c.cellSharedClass[k * n + i];
                    ch = cls >= 0 ? step.freshOther[i][cls] : step.freshAll[i];
                }
                if (ch.action.length == 0) {
                    return;
                }
                choices[i] = ch;
            }
            walk(0);
        }

        private void walk(int level) {
            Choices t = choices[level];
            int[] cls = configClass[level];
            double[] slo = sloRatio[level];
            int l1 = level + 1;
            for (int j = 0; j < t.action.length; j++) {
                int a = t.action[j];
                if (level == 0 && a % PARTITIONS != part) {
                    continue;
                }
                actionClass[level] = cls[a];
                sumJoint[l1] = sumJoint[level] * nvec[level] + a;
                sumReq[l1] = sumReq[level] + t.requested[j];
                sumPartial[l1] = sumPartial[level] + t.partial[j];
                sumDecrease[l1] = sumDecrease[level] + t.decrease[j];
                sumRes0[l1] = sumRes0[level] + t.res0[j];
                sumRes1[l1] = sumRes1[level] + t.res1[j];
                sumAdd0[l1] = sumAdd0[level] + t.add0[j];
                sumAdd1[l1] = sumAdd1[level] + t.add1[j];
                sumSlo[l1] = sumSlo[level] + slo[a];
                key0[l1] = (key0[level] << bits) | t.out0[j];
                key1[l1] = (key1[level] << bits) | t.out1[j];
                if (l1 == n) {
                    leaf();
                } else {
                    walk(l1);
                }
            }
        }

        /** Whether every service outside the mask changes configuration from bucket {@code b}'s. */
        private boolean compatible(int b) {
            int[] bc = cells.bucketClass;
            int base = b * n;
            for (int x = 0; x < otherCount; x++) {
                int i = others[x];
                if (bc[base + i] == actionClass[i]) {
                    return false;
                }
            }
            return true;
        }

        /**
         * The best parent of a compatible bucket from {@code b} on whose peak fits and whose value plus
         * {@code fit} beats {@code value}, or -1.
         */
        private int bestFittingCompatible(int b, double added, double quota, double fit, double value) {
            DpCells c = cells;
            int parent = -1;
            for (; b < endBucket; b++) {
                if (!compatible(b)) {
                    continue;
                }
                if (!(values[c.best(b)] + fit > value)) {
                    break; // buckets are sorted by best value: no later one can do better
                }
                int p = c.bestFitting(b, added, quota);
                if (p >= 0 && values[p] + fit > value) {
                    value = values[p] + fit;
                    parent = p;
                }
            }
            return parent;
        }

        private void leaf() {
            boolean change = model.changeFires(sumDecrease[n] > 0, sumReq[n], sumPartial[n]);
            double total = change ? sumRes1[n] : sumRes0[n];
            double added = change ? sumAdd1[n] : sumAdd0[n];
            double sub = sumSlo[n];
            DpCells c = cells;
            int b = firstBucket;
            if (multi) {
                while (b < endBucket && !compatible(b)) {
                    b++;
                }
                if (b == endBucket) {
                    return;
                }
            }
            // the best parent overall ...
            int parent = c.best(b);
            double prevParent = prevTotal[parent];
            double value = values[parent] + model.reward(total, prevParent + added, sub, step.paperFinal);
            // ... or, when its roll-out peak exceeds the quota, the best parent whose peak fits
            if (total <= quota && !(prevParent + added <= quota)) {
                // the reward of any parent whose peak fits (it depends on the peak only through that test)
                double fit = model.reward(total, quota, sub, step.paperFinal);
                if (!multi) {
                    int p = c.bestFitting(b, added, quota);
                    if (p >= 0 && values[p] + fit > value) {
                        value = values[p] + fit;
                        parent = p;
                    }
                } else {
                    // the best fitting parent of the whole cell bounds the compatible ones; often it is one
                    int q = c.cellBestFitting(cell, added, quota);
                    if (q >= 0 && values[c.cellRecParent[q]] + fit > value) {
                        if (compatible(c.cellRecBucket[q])) {
                            value = values[c.cellRecParent[q]] + fit;
                            parent = c.cellRecParent[q];
                        } else {
                            int found = bestFittingCompatible(b, added, quota, fit, value);
                            if (found >= 0) {
                                parent = found;
                                value = values[parent] + fit;
                            }
                        }
                    }
                }
            }
            int joint = sumJoint[n];
            if (step.last) {
                if (value > best.value) {
                    best.value = value;
                    best.parent = parent;
                    best.action = joint;
                }
                return;
            }
            long key = change ? key1[n] : key0[n];
            int at = index.putIfAbsent(key, out.size);
            if (at < 0) {
                at = out.add();
                for (int i = n - 1; i >= 0; i--) {
                    out.sub[i][at] = (int) (key & idMask);
                    key >>>= bits;
                }
                out.value[at] = value;
                out.parent[at] = parent;
                out.action[at] = joint;
            } else if (value > out.value[at]) {
                out.value[at] = value;
                out.parent[at] = parent;
                out.action[at] = joint;
            }
        }
    }
}
