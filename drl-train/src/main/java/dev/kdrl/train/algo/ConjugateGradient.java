package dev.kdrl.train.algo;

import java.util.function.UnaryOperator;

/** Solves {@code A x = b} for a symmetric positive-definite {@code A} given only as {@code v -> A v}. */
public final class ConjugateGradient {

    private ConjugateGradient() {
    }

    /**
     * At most {@code iterations} conjugate-gradient steps from {@code x = 0}, stopping early when the
     * squared residual falls below {@code tolerance}.
     */
    public static double[] solve(UnaryOperator<double[]> a, double[] b, int iterations, double tolerance) {
        int n = b.length;
        double[] x = new double[n];
        double[] r = b.clone();
        double[] p = b.clone();
        double rr = dot(r, r);
        for (int k = 0; k < iterations && rr > tolerance; k++) {
            double[] ap = a.apply(p);
            double alpha = rr / dot(p, ap);
            for (int i = 0; i < n; i++) {
                x[i] += alpha * p[i];
                r[i] -= alpha * ap[i];
            }
            double rrNew = dot(r, r);
            double beta = rrNew / rr;
            for (int i = 0; i < n; i++) {
                p[i] = r[i] + beta * p[i];
            }
            rr = rrNew;
        }
        return x;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
