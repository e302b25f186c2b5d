package dev.kdrl.core.policy;

/**
 * The multi-discrete action distribution as independent categorical heads over one logits row
 * ({@code sum(nvec)} logits, head 0's first): probabilities, log-probability (the sum over heads),
 * entropy, KL divergence, argmax, sampling, and the derivatives with respect to the logits that
 * policy-gradient updates need. The one implementation of this maths, used by
 * {@link MultiCategoricalPolicy} at inference and by the trainers.
 */
public final class MultiCategorical {
    private final int[] nvec;
    private final int[] offset;
    private final int width;

    /**
     * @param nvec the number of choices of each head: at least one head, each with at least one choice
     * @throws IllegalArgumentException naming the first head without a choice, or for no heads
     */
    public MultiCategorical(int[] nvec) {
        if (nvec.length == 0) {
            throw new IllegalArgumentException("nvec is empty (expected at least one head)");
        }
        for (int h = 0; h < nvec.length; h++) {
            if (nvec[h] < 1) {
                throw new IllegalArgumentException("nvec[" + h + "] is " + nvec[h] + " (expected at least 1 choice)");
            }
        }
        this.nvec = nvec.clone();
        this.offset = new int[nvec.length];
        int w = 0;
        for (int h = 0; h < nvec.length; h++) {
            offset[h] = w;
            w += nvec[h];
        }
        this.width = w;
    }

    /** Number of logits per sample. */
    public int width() {
        return width;
    }

    public int heads() {
        return nvec.length;
    }

    /** Per-head softmax of one logits row. */
    public double[] probabilities(double[] logits) {
        double[] p = logProbabilities(logits);
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(p[i]);
        }
        return p;
    }

    /** Per-head log-softmax of one logits row. */
    public double[] logProbabilities(double[] logits) {
        double[] lp = new double[width];
        for (int h = 0; h < nvec.length; h++) {
            int o = offset[h];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < nvec[h]; k++) {
                max = Math.max(max, logits[o + k]);
            }
            double sum = 0;
            for (int k = 0; k < nvec[h]; k++) {
                sum += Math.exp(logits[o + k] - max);
            }
            double lse = max + Math.log(sum);
            for (int k = 0; k < nvec[h]; k++) {
                lp[o + k] = logits[o + k] - lse;
            }
        }
        return lp;
    }

    /** Log-probability of a joint action: the sum of its heads' log-probabilities. */
    public double logProb(double[] logits, int[] action) {
        return logProbFromLogProbs(logProbabilities(logits), action);
    }

    /**
     * Log-probability of a joint action from per-head log-probabilities ({@link #logProbabilities}): for loops
     * that need several quantities of one logits row and compute its log-softmax once.
     */
    public double logProbFromLogProbs(double[] logProbs, int[] action) {
        double s = 0;
        for (int h = 0; h < nvec.length; h++) {
            s += logProbs[offset[h] + action[h]];
        }
        return s;
    }

    /** {@link #entropy} from per-head log-probabilities ({@link #logProbabilities}). */
    public double entropyFromLogProbs(double[] logProbs) {
        double e = 0;
        for (int i = 0; i < width; i++) {
            e -= Math.exp(logProbs[i]) * logProbs[i];
        }
        return e;
    }

    /** {@link #addLogProbGradient} from per-head log-probabilities ({@link #logProbabilities}). */
    public void addLogProbGradientFromLogProbs(double[] logProbs, int[] action, double scale, double[] out) {
        for (int h = 0; h < nvec.length; h++) {
            int o = offset[h];
            for (int k = 0; k < nvec[h]; k++) {
                out[o + k] += scale * ((k == action[h] ? 1 : 0) - Math.exp(logProbs[o + k]));
            }
        }
    }

    /** Entropy of the joint distribution: the sum of the heads' entropies. */
    public double entropy(double[] logits) {
        return entropyFromLogProbs(logProbabilities(logits));
    }

    /** {@code KL(old || new)} of two logits rows: the sum over heads. */
    public double kl(double[] oldLogits, double[] newLogits) {
        double[] a = logProbabilities(oldLogits);
        double[] b = logProbabilities(newLogits);
        double kl = 0;
        for (int i = 0; i < width; i++) {
            kl += Math.exp(a[i]) * (a[i] - b[i]);
        }
        return kl;
    }

    /**
     * Adds {@code scale * d logProb(action) / d logits} to {@code out}: per head
     * {@code onehot(action) - softmax}.
     */
    public void addLogProbGradient(double[] logits, int[] action, double scale, double[] out) {
        addLogProbGradientFromLogProbs(logProbabilities(logits), action, scale, out);
    }

    /** Adds {@code scale * d entropy / d logits} to {@code out}: per head {@code -p (log p + H_head)}. */
    public void addEntropyGradient(double[] logits, double scale, double[] out) {
        double[] lp = logProbabilities(logits);
        for (int h = 0; h < nvec.length; h++) {
            int o = offset[h];
            double hh = 0;
            for (int k = 0; k < nvec[h]; k++) {
                hh -= Math.exp(lp[o + k]) * lp[o + k];
            }
            for (int k = 0; k < nvec[h]; k++) {
                double p = Math.exp(lp[o + k]);
                out[o + k] += scale * (-p * (lp[o + k] + hh));
            }
        }
    }

    /**
     * The Fisher metric of the categorical heads at {@code probs} applied to a logits direction:
     * per head {@code p * v - p * (p . v)} (the Hessian of {@code KL(p || softmax(logits + t v))} in t).
     */
    public double[] fisherLogits(double[] probs, double[] v) {
        double[] out = new double[width];
        for (int h = 0; h < nvec.length; h++) {
            int o = offset[h];
            double dot = 0;
            for (int k = 0; k < nvec[h]; k++) {
                dot += probs[o + k] * v[o + k];
            }
            for (int k = 0; k < nvec[h]; k++) {
                out[o + k] = probs[o + k] * (v[o + k] - dot);
            }
        }
        return out;
    }

    /** Argmax per head (ties: lowest index). */
    public int[] argmax(double[] logits) {
        int[] a = new int[nvec.length];
        for (int h = 0; h < nvec.length; h++) {
            int o = offset[h];
            int best = 0;
            for (int k = 1; k < nvec[h]; k++) {
                if (logits[o + k] > logits[o + best]) {
                    best = k;
                }
            }
            a[h] = best;
        }
        return a;
    }

    /**
     * A sample per head by inverse transform with the given uniforms in [0, 1), one per head in head order;
     * values of probability 0 are never chosen.
     */
    public int[] sample(double[] logits, double[] uniforms) {
        double[] p = probabilities(logits);
        int[] a = new int[nvec.length];
        for (int h = 0; h < nvec.length; h++) {
            int o = offset[h];
            double sum = 0;
            for (int k = 0; k < nvec[h]; k++) {
                sum += p[o + k];
            }
            double u = uniforms[h] * sum;
            double c = 0;
            int chosen = -1;
            for (int k = 0; k < nvec[h]; k++) {
                if (p[o + k] > 0) {
                    chosen = k;
                    c += p[o + k];
                    if (u < c) {
                        break;
                    }
                }
            }
            a[h] = chosen;
        }
        return a;
    }

    /** Offset of head {@code h}'s logits in a row. */
    public int offset(int h) {
        return offset[h];
    }
}
