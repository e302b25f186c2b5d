package dev.kdrl.env.cluster;

/**
 * The Knative Pod Autoscaler's decider for one revision (knative/serving {@code pkg/autoscaler/scaling/autoscaler.go},
 * {@code Scale}; {@code docs/spec/knative-semantics.md} §1.3-1.4), written from the note, not copied.
 *
 * <p>{@link #record} adds one bucket (one tick) of observed revision-total concurrency. {@link #decide} averages the
 * buckets of the stable window ({@code S}) and of the panic window ({@code P}), each over the buckets seen so far when
 * fewer than a window, and returns the desired pod count:
 *
 * <ol>
 *   <li>{@code R' = max(1, ready)}; {@code maxUp = ceil(maxScaleUpRate * R')}; {@code maxDown = floor(R' /
 *       maxScaleDownRate)} when reachable, else 0;</li>
 *   <li>{@code dspc = ceil(S / T)}, {@code dppc = ceil(P / T)}, each clamped to {@code [maxDown, maxUp]} (a ratio
 *       within a relative 1e-9 of a whole number counts as that number);</li>
 *   <li>panic starts (or is extended: {@code panicTime = now}) while {@code dppc / R' >= threshold}; it ends when the
 *       condition is false and {@code panicTime + stableWindow < now};</li>
 *   <li>in panic the desired count is {@code max(dspc, dppc)} ratcheted up (never down) by {@code maxPanicPods};
 *       otherwise {@code dspc}.</li>
 * </ol>
 *
 * {@code T} is the target per pod: concurrency target x target utilisation. Not thread-safe.
 */
public final class Kpa {
    private final double target;
    private final int stableBuckets;
    private final int panicBuckets;
    private final double stableWindowSeconds;
    private final double panicThreshold;
    private final double maxScaleUpRate;
    private final double maxScaleDownRate;
    private final double[] ring;
    private long count;
    private int pos;
    private int run;
    private double last;
    private double panicTime = Double.NaN;
    private int maxPanicPods;

    /**
     * @param target                concurrency per pod the KPA aims at ({@code TargetValue}), &gt; 0
     * @param bucketSeconds         seconds per bucket (the tick)
     * @param stableWindowSeconds   stable window
     * @param panicWindowPercentage panic window in % of the stable window
     * @param panicThreshold        panic threshold as a ratio (2.0 = 200 %)
     * @param maxScaleUpRate        max scale-up rate
     * @param maxScaleDownRate      max scale-down rate
     */
    public Kpa(double target, double bucketSeconds, double stableWindowSeconds, double panicWindowPercentage,
               double panicThreshold, double maxScaleUpRate, double maxScaleDownRate) {
        if (!(target > 0)) {
            throw new IllegalArgumentException("KPA target must be > 0, got " + target);
        }
        this.target = Math.max(0.01, target);
        this.stableBuckets = Math.max(1, (int) Math.round(stableWindowSeconds / bucketSeconds));
        double panicSeconds = Math.max(1, Math.round(stableWindowSeconds * panicWindowPercentage / 100));
        this.panicBuckets = Math.min(stableBuckets, Math.max(1, (int) Math.round(panicSeconds / bucketSeconds)));
        this.stableWindowSeconds = stableWindowSeconds;
        this.panicThreshold = panicThreshold;
        this.maxScaleUpRate = maxScaleUpRate;
        this.maxScaleDownRate = maxScaleDownRate;
        this.ring = new double[stableBuckets];
    }

    /**
     * A decider with the parameters of {@code p} for a revision whose concurrency target is {@code concurrency} and
     * whose hard limit is {@code service}'s {@code concurrencyLimit x concurrency}: Knative aims at the smaller of the
     * two when there is a limit (§1.2: {@code total = min(annotation, CC)}), times the target utilisation.
     */
    public static Kpa of(ClusterParams p, double concurrency, ClusterParams.ServiceParams service) {
        double limit = service.concurrencyLimit() * concurrency;
        double total = limit > 0 ? Math.min(concurrency, limit) : concurrency;
        return new Kpa(total * p.targetUtilisation(), p.tickSeconds(), p.stableWindowSeconds(),
                p.panicWindowPercentage(), p.panicThresholdPercentage() / 100, p.maxScaleUpRate(),
                p.maxScaleDownRate());
    }

    /**
     * Records one bucket of observed revision-total concurrency. A window's average is summed afresh from its buckets
     * (a running sum drifts in floating point); a window whose buckets are all equal (the usual case with a
     * piecewise-constant load) averages to that value exactly.
     */
    public void record(double concurrency) {
        int size = ring.length;
        ring[pos] = concurrency;
        pos = pos + 1 == size ? 0 : pos + 1;
        run = count > 0 && concurrency == last ? run + 1 : 1;
        last = concurrency;
        count++;
    }

    /** Whether any bucket was recorded (Knative's {@code ErrNoData} otherwise). */
    public boolean hasData() {
        return count > 0;
    }

    /** Average over the stable window (over the buckets seen so far when fewer). */
    public double stableAverage() {
        return average(stableBuckets);
    }

    /** Average over the panic window (over the buckets seen so far when fewer). */
    public double panicAverage() {
        return average(panicBuckets);
    }

    private double average(int window) {
        int n = (int) Math.min(count, window);
        if (n == 0) {
            return 0;
        }
        if (run >= n) {
            return last;
        }
        double sum = 0;
        int size = ring.length;
        for (int k = n; k >= 1; k--) { // oldest first
            sum += ring[(pos - k + size) % size];
        }
        return Math.max(0, sum) / n;
    }

    /**
     * {@code ceil(average / target)}, a ratio within a relative 1e-9 of a whole number (at least 1) taken as that
     * number, so that the rounding of a window's floating-point average (or of the target, e.g. 10 x 0.7) does not
     * add a pod.
     */
    private double pods(double average) {
        double ratio = average / target;
        double whole = Math.rint(ratio);
        return whole >= 1 && Math.abs(ratio - whole) <= 1e-9 * whole ? whole : Math.ceil(ratio);
    }

    /** Whether the decider is in panic mode. */
    public boolean panicking() {
        return !Double.isNaN(panicTime);
    }

    /**
     * The desired pod count at time {@code now} (seconds) with {@code ready} ready pods, or -1 without data.
     *
     * @param reachable whether the revision receives traffic (an unreachable one has no scale-down limit)
     */
    public int decide(double now, int ready, boolean reachable) {
        if (count == 0) {
            return -1;
        }
        double r = Math.max(1, ready);
        double maxUp = Math.ceil(maxScaleUpRate * r);
        double maxDown = reachable ? Math.floor(r / maxScaleDownRate) : 0;
        double dspc = pods(stableAverage());
        double dppc = pods(panicAverage());
        int stable = (int) Math.min(Math.max(dspc, maxDown), maxUp);
        int panic = (int) Math.min(Math.max(dppc, maxDown), maxUp);
        boolean over = dppc / r >= panicThreshold;
        if (over) {
            panicTime = now;
        } else if (panicking() && panicTime + stableWindowSeconds < now) {
            panicTime = Double.NaN;
            maxPanicPods = 0;
        }
        int desired = stable;
        if (panicking()) {
            desired = Math.max(desired, panic);
            maxPanicPods = Math.max(maxPanicPods, desired);
            desired = maxPanicPods;
        }
        return desired;
    }
}
