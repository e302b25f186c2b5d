package dev.kdrl.env.baseline;

/**
 * How a planner that values its candidate decisions on samples of the next period's load chooses among them when it
 * does not trust the samples' mean alone: the mean over the samples is an estimate of the expectation, and the
 * candidate whose estimate is highest among many is the likeliest to be overrated by it (the more so the fewer and the
 * more scattered the samples: a history of 20 rows gives 19). With confidence {@code k > 0} a candidate replaces the
 * reference, candidate 0 (the best by immediate reward, greedy's choice), only by the lower bound of its advantage:
 *
 * <pre>  mean over samples of (q[j][s] - q[0][s])  -  k * standard error of that mean</pre>
 *
 * The differences are paired (every candidate is valued on the same samples), so the common part of the samples'
 * spread cancels and only how differently they treat the candidates counts. The candidate with the highest positive
 * bound wins, ties to the earlier; none positive keeps the reference. With fewer than two samples there is no
 * standard error, and the reference stays.
 */
public final class CautiousChoice {

    private CautiousChoice() {
    }

    /**
     * {@code confidence} when it is a finite number {@code >= 0} (0: no caution), else an error naming it as {@code
     * what}: the one check of every confidence setting and option.
     */
    public static double requireConfidence(String what, double confidence) {
        if (!(confidence >= 0) || Double.isInfinite(confidence)) {
            throw new IllegalArgumentException(what + " must be a finite number >= 0, got " + confidence);
        }
        return confidence;
    }

    /**
     * The index of the chosen candidate, candidate 0 the reference.
     *
     * @param q          {@code q[j][s]}: candidate {@code j}'s value on sample {@code s}, for {@code j < count}, {@code s
     *                   < samples}; candidate 0 is the reference
     * @param confidence {@code k}, standard errors the mean advantage must exceed, &gt; 0
     */
    public static int choose(double[][] q, int count, int samples, double confidence) {
        return choose(q, count, samples, confidence, 0);
    }

    /**
     * The index of the chosen candidate against another reference (such as another planner's choice): the candidate
     * with the highest positive bound of its advantage over candidate {@code reference}, ties to the lower index, else
     * {@code reference}.
     *
     * @param reference the candidate kept unless another clearly beats it, in {@code [0, count)}
     */
    public static int choose(double[][] q, int count, int samples, double confidence, int reference) {
        if (!(confidence > 0) || Double.isInfinite(confidence)) {
            throw new IllegalArgumentException("confidence must be a finite number > 0, got " + confidence);
        }
        if (count < 1 || samples < 0 || count > q.length) {
            throw new IllegalArgumentException("need 1 to " + q.length + " candidates and samples >= 0, got " + count
                    + " and " + samples);
        }
        if (reference < 0 || reference >= count) {
            throw new IllegalArgumentException("the reference must be one of the " + count + " candidates, got "
                    + reference);
        }
        if (samples < 2) {
            return reference;
        }
        int best = reference;
        double bestBound = 0;
        double[] ref = q[reference];
        for (int j = 0; j < count; j++) {
            if (j == reference) {
                continue;
            }
            double[] c = q[j];
            double mean = 0;
            for (int s = 0; s < samples; s++) {
                mean += c[s] - ref[s];
            }
            mean /= samples;
            double squares = 0;
            for (int s = 0; s < samples; s++) {
                double d = c[s] - ref[s] - mean;
                squares += d * d;
            }
            double bound = mean - confidence * Math.sqrt(squares / (samples - 1) / samples);
            if (bound > bestBound) {
                bestBound = bound;
                best = j;
            }
        }
        return best;
    }
}
