package dev.kdrl.env.baseline;

import dev.kdrl.core.space.MultiDiscrete;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.quota.ScaleKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * total, which decides whether the roll-out's peak fits the quota (weight 200) or not (100). So parents
 * are grouped by their configurations and, for each set {@code S} of "same" services, by the states of
 * the services in {@code S}; within such a cell, the best parent for an action is either the best one
 * whose previous total leaves room for the roll-out (a prefix maximum over parents sorted by previous
 * total) or the best one overall. Each (cell, action) is then evaluated once instead of once per parent.
 * Every reward is still computed by {@link QuotaModel#reward(double, double, double, boolean)} from the
 * same sums, in the same order, as {@link QuotaModel#decide}.
 *
 * <p>Ties between equal values go to the candidate met first in a fixed, deterministic order.
 */
public final class OptimalPlanner {
    private final QuotaModel model;
    private final int n;
    private final int[] nvec;
    private final int bits;
    private final MultiDiscrete space;
    private final int threads;

    /**
     * The work of a step is split into this many partitions by the first service's action (so the
     * result never depends on the number of threads), run on up to that many threads.
     */
    private static final int PARTITIONS = 2;

    /**
     * The best plan found.
     *
     * @param value     its undiscounted return
     * @param actions   the joint action of every step
     * @param maxStates the largest number of distinct states kept at one step
     */
    public record Plan(double value, List<int[]> actions, int maxStates) {
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
    }

    /** The exact optimum of a whole episode of {@code env}'s model over its trace. */
    public static Plan solve(QuotaEnv env) {
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
        Layer layer = new Layer(1);
        int[] a0 = start.prevAction();
        int[] p0 = start.prevPod();
        double[] r0 = start.prevRes();
        for (int i = 0; i < n; i++) {
            layer.prevAction[i][0] = a0[i];
            layer.prevPod[i][0] = p0[i];
            layer.prevRes[i][0] = r0[i];
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
                boolean paperFinal = model.quirks().paperEpisode() && absolute + 1 >= QuotaEnv.PAPER_TIME_LIMIT;
                boolean last = k == steps - 1;
                layers.add(layer);
                Step step = new Step(layer, traffic, paperFinal, last);
                step.run(pool);
                if (last) {
                    best = step.best;
                } else {
                    layer = step.out;
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

    /** States reached after some steps: per state its best value and how it was reached. */
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

        void append(Layer other) {
            for (int k = 0; k < other.size; k++) {
                int at = add();
                for (int i = 0; i < n; i++) {
                    prevAction[i][at] = other.prevAction[i][k];
                    prevPod[i][at] = other.prevPod[i][k];
                    prevRes[i][at] = other.prevRes[i][k];
                }
                value[at] = other.value[k];
                parent[at] = other.parent[k];
                action[at] = other.action[k];
            }
        }

        int add() {
            if (size == value.length) {
                int c = value.length * 2;
                for (int i = 0; i < n; i++) {
                    prevAction[i] = Arrays.copyOf(prevAction[i], c);
                    prevPod[i] = Arrays.copyOf(prevPod[i], c);
                    prevRes[i] = Arrays.copyOf(prevRes[i], c);
                }
                value = Arrays.copyOf(value, c);
                parent = Arrays.copyOf(parent, c);
                action = Arrays.copyOf(action, c);
            }
            return size++;
        }
    }

    /** The best last step: value, parent state index and joint action index. */
    private static final class Best {
        double value = Double.NEGATIVE_INFINITY;
        int parent;
        int action;
    }

    /** A service-level state {@code (action, pods, resources)}. */
    private record Sub(int action, int pods, double res) {
    }

    /**
     * One service in one service-level state: everything a decision for it depends on, per action
     * {@code a} and scale-down check outcome {@code c}.
     */
    private final class ServiceTable {
        final boolean[] same;
        final boolean[] decrease;
        final double[] requested;
        final double[] partial;
        final double[][] res;
        final double[][] add;
        final int[][] outcome;

        ServiceTable(int i, Sub s, double users, Interner interner) {
            int m = nvec[i];
            same = new boolean[m];
            decrease = new boolean[m];
            requested = new double[m];
            partial = new double[m];
            res = new double[2][m];
            add = new double[2][m];
            outcome = new int[2][m];
            for (int a = 0; a < m; a++) {
                double cpu = model.service(i).config(a).cpu();
                int p = model.podsNeeded(i, a, users);
                same[a] = model.sameConfig(i, s.action(), a);
                decrease[a] = same[a] && p < s.pods();
                requested[a] = model.requestedCores(p, cpu);
                partial[a] = model.inChangeSum(i) ? (decrease[a] ? s.res() : requested[a]) : 0;
                for (int c = 0; c < 2; c++) {
                    ScaleKind kind = model.kind(i, s.action(), s.pods(), a, p, c == 1);
                    add[c][a] = model.added(kind, p, s.pods(), cpu);
                    res[c][a] = model.resources(kind, add[c][a], s.res());
                    outcome[c][a] = interner.id(new Sub(a, QuotaModel.podsAfter(kind, p, s.pods()),
                            model.store(res[c][a])));
                }
            }
        }
    }

    /** Interns service-level successor states of one service into small integer ids. */
    private final class Interner {
        final Map<Sub, Integer> ids = new HashMap<>();
        final List<Sub> subs = new ArrayList<>();
        final String service;

        Interner(String service) {
            this.service = service;
        }

        int id(Sub s) {
            Integer id = ids.get(s);
            if (id == null) {
                id = subs.size();
                if (id >= (1 << bits)) {
                    throw new IllegalStateException("too many distinct states of service " + service
                            + " for the exact optimum (over " + (1 << bits) + " in one step)");
                }
                ids.put(s, id);
                subs.add(s);
            }
            return id;
        }
    }

    /**
     * Parents of one cell sorted by previous total, reduced to their "records": the parents whose value
     * beats every parent with a smaller or equal previous total. The best parent whose previous total is
     * at most some bound is always the last record within that bound.
     */
    private static final class Cell {
        final int[] parents;
        final double[] prevTotal;
        final int best;

        Cell(int[] members, double[] totals, double[] values) {
            Integer[] order = new Integer[members.length];
            for (int k = 0; k < order.length; k++) {
                order[k] = members[k];
            }
            // stable: parents with equal totals stay in discovery order
            Arrays.sort(order, (x, y) -> Double.compare(totals[x], totals[y]));
            int[] recParents = new int[members.length];
            double[] recTotals = new double[members.length];
            int count = 0;
            for (int s : order) {
                if (count == 0 || values[s] > values[recParents[count - 1]]) {
                    recParents[count] = s;
                    recTotals[count] = totals[s];
                    count++;
                }
            }
            parents = Arrays.copyOf(recParents, count);
            prevTotal = Arrays.copyOf(recTotals, count);
            best = parents[count - 1];
        }

        /** The best parent whose previous total plus {@code added} fits {@code quota}, or -1. */
        int bestFitting(double added, double quota) {
            int lo = 0;
            int hi = prevTotal.length - 1;
            int found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (prevTotal[mid] + added <= quota) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return found < 0 ? -1 : parents[found];
        }
    }

    /** One cell with what its walk needs: candidate actions and the service tables of its parents. */
    private record Job(Cell cell, int[][] candidates, ServiceTable[] tables, boolean allFresh) {
    }

    /** One DP step: from a layer of parents to the layer of successors (or the best last step). */
    private final class Step {
        final Layer from;
        final double[] traffic;
        final boolean paperFinal;
        final boolean last;
        final Interner[] interners = new Interner[n];
        final ServiceTable[][] tableOf;
        final double[] prevTotal;
        final double[][] slo = new double[n][];
        final List<Job> jobs = new ArrayList<>();
        Layer out;
        Best best;

        Step(Layer from, double[] traffic, boolean paperFinal, boolean last) {
            this.from = from;
            this.traffic = traffic;
            this.paperFinal = paperFinal;
            this.last = last;
            this.tableOf = new ServiceTable[n][from.size];
            this.prevTotal = new double[from.size];
            for (int i = 0; i < n; i++) {
                interners[i] = new Interner(model.service(i).name());
                slo[i] = new double[nvec[i]];
                for (int a = 0; a < nvec[i]; a++) {
                    slo[i][a] = model.service(i).sloMs() / model.service(i).config(a).latencyMs();
                }
            }
        }

        void run(ExecutorService pool) {
            prepare();
            List<Worker> workers = new ArrayList<>(PARTITIONS);
            List<Future<?>> running = new ArrayList<>(PARTITIONS);
            for (int part = 0; part < PARTITIONS; part++) {
                Worker w = new Worker(this, part);
                workers.add(w);
                running.add(pool.submit(w::run));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while planning", e);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
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

        /** Service tables per parent, previous totals, and the jobs: one per (configuration group, mask, cell). */
        private void prepare() {
            for (int i = 0; i < n; i++) {
                Map<Sub, ServiceTable> cache = new HashMap<>();
                for (int s = 0; s < from.size; s++) {
                    Sub sub = new Sub(from.prevAction[i][s], from.prevPod[i][s], from.prevRes[i][s]);
                    final int service = i;
                    tableOf[i][s] = cache.computeIfAbsent(sub,
                            x -> new ServiceTable(service, x, traffic[service], interners[service]));
                }
            }
            for (int s = 0; s < from.size; s++) {
                double t = 0;
                for (int i = 0; i < n; i++) {
                    t += from.prevRes[i][s];
                }
                prevTotal[s] = t;
            }
            Map<Long, List<Integer>> groups = new LinkedHashMap<>();
            for (int s = 0; s < from.size; s++) {
                long key = 0;
                for (int i = 0; i < n; i++) {
                    key = key * nvec[i] + from.prevAction[i][s];
                }
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
            }
            for (List<Integer> group : groups.values()) {
                addJobs(group);
            }
        }

        private void addJobs(List<Integer> group) {
            int first = group.get(0);
            for (int mask = 0; mask < (1 << n); mask++) {
                // candidate actions per service: "same" ones for services in the mask, the others otherwise
                int[][] candidates = new int[n][];
                boolean empty = false;
                for (int i = 0; i < n && !empty; i++) {
                    boolean wantSame = (mask & (1 << i)) != 0;
                    boolean[] same = tableOf[i][first].same;
                    candidates[i] = IntStream.range(0, same.length).filter(a -> same[a] == wantSame).toArray();
                    empty = candidates[i].length == 0;
                }
                if (empty) {
                    continue;
                }
                // cells: parents with the same tables for the services in the mask
                Map<List<ServiceTable>, List<Integer>> cells = new LinkedHashMap<>();
                for (int s : group) {
                    List<ServiceTable> key = new ArrayList<>(Integer.bitCount(mask));
                    for (int i = 0; i < n; i++) {
                        if ((mask & (1 << i)) != 0) {
                            key.add(tableOf[i][s]);
                        }
                    }
                    cells.computeIfAbsent(key, x -> new ArrayList<>()).add(s);
                }
                for (List<Integer> members : cells.values()) {
                    int[] m = members.stream().mapToInt(Integer::intValue).toArray();
                    ServiceTable[] tables = new ServiceTable[n];
                    for (int i = 0; i < n; i++) {
                        tables[i] = tableOf[i][m[0]];
                    }
                    jobs.add(new Job(new Cell(m, prevTotal, from.value), candidates, tables, mask == 0));
                }
            }
        }
    }

    /**
     * Walks every job for the joint actions whose first service's action falls in its partition; the
     * partitions' successors are disjoint (the action is part of the state), so workers share nothing
     * but read-only tables.
     */
    private final class Worker {
        final Step step;
        final int part;
        final Layer out;
        final LongIntMap index;
        final int[] freshSuccessor;
        final Best best = new Best();
        final int[] digits = new int[n];
        final double[] sumReq = new double[n + 1];
        final double[] sumPartial = new double[n + 1];
        final int[] sumDecrease = new int[n + 1];
        final double[][] sumRes = new double[2][n + 1];
        final double[][] sumAdd = new double[2][n + 1];
        final double[] sumSlo = new double[n + 1];
        final int[] sumJoint = new int[n + 1];
        Job job;

        Worker(Step step, int part) {
            this.step = step;
            this.part = part;
            int expected = Math.max(16, step.from.size);
            this.out = step.last ? null : new Layer(expected);
            this.index = step.last ? null : new LongIntMap(expected);
            this.freshSuccessor = new int[Math.toIntExact(space.cardinality())];
            Arrays.fill(freshSuccessor, -1);
        }

        void run() {
            for (Job j : step.jobs) {
                job = j;
                walk(0);
            }
        }

        private void walk(int level) {
            ServiceTable t = job.tables[level];
            int l1 = level + 1;
            for (int a : job.candidates[level]) {
                if (level == 0 && a % PARTITIONS != part) {
                    continue;
                }
                digits[level] = a;
                sumJoint[l1] = sumJoint[level] * nvec[level] + a;
                sumReq[l1] = sumReq[level] + t.requested[a];
                sumPartial[l1] = sumPartial[level] + t.partial[a];
                sumDecrease[l1] = sumDecrease[level] + (t.decrease[a] ? 1 : 0);
                sumRes[0][l1] = sumRes[0][level] + t.res[0][a];
                sumRes[1][l1] = sumRes[1][level] + t.res[1][a];
                sumAdd[0][l1] = sumAdd[0][level] + t.add[0][a];
                sumAdd[1][l1] = sumAdd[1][level] + t.add[1][a];
                sumSlo[l1] = sumSlo[level] + step.slo[level][a];
                if (l1 == n) {
                    leaf();
                } else {
                    walk(l1);
                }
            }
        }

        private void leaf() {
            boolean change = model.changeFires(sumDecrease[n] > 0, sumReq[n], sumPartial[n]);
            int c = change ? 1 : 0;
            double total = sumRes[c][n];
            double added = sumAdd[c][n];
            double sub = sumSlo[n];
            double quota = model.quota();
            double[] prevTotal = step.prevTotal;
            double[] values = step.from.value;
            Cell cell = job.cell;
            // the best parent overall ...
            int parent = cell.best;
            double prevParent = prevTotal[parent];
            double value = values[parent] + model.reward(total, prevParent + added, sub, step.paperFinal);
            // ... or, when its roll-out peak exceeds the quota, the best parent whose peak fits
            if (total <= quota && !(prevParent + added <= quota)) {
                int p = cell.bestFitting(added, quota);
                if (p >= 0) {
                    double v = values[p] + model.reward(total, prevTotal[p] + added, sub, step.paperFinal);
                    if (v > value) {
                        value = v;
                        parent = p;
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
            ServiceTable[] tables = job.tables;
            int at = job.allFresh ? freshSuccessor[joint] : -1;
            long key = 0;
            if (at < 0) {
                for (int i = 0; i < n; i++) {
                    key = (key << bits) | tables[i].outcome[c][digits[i]];
                }
                at = index.get(key);
                if (job.allFresh && at >= 0) {
                    freshSuccessor[joint] = at;
                }
            }
            if (at < 0) {
                at = out.add();
                index.put(key, at);
                if (job.allFresh) {
                    freshSuccessor[joint] = at;
                }
                for (int i = 0; i < n; i++) {
                    Sub sub2 = step.interners[i].subs.get(tables[i].outcome[c][digits[i]]);
                    out.prevAction[i][at] = sub2.action();
                    out.prevPod[i][at] = sub2.pods();
                    out.prevRes[i][at] = sub2.res();
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
