package dev.kdrl.train.algo;

import dev.kdrl.core.policy.MultiCategorical;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.core.rng.Rng;
import org.junit.jupiter.api.Test;

class AlgoMathTest {

    @Test
    void conjugateGradientSolvesAKnownSpdSystem() {
        // A = [[4,1,0],[1,3,1],[0,1,2]], x = [1,-2,3] -> b = A x = [2,-2,4]
        double[][] a = {{4, 1, 0}, {1, 3, 1}, {0, 1, 2}};
        double[] b = {2, -2, 4};
        double[] x = ConjugateGradient.solve(v -> {
            double[] out = new double[3];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    out[i] += a[i][j] * v[j];
                }
            }
            return out;
        }, b, 10, 1e-20);
        assertThat(x[0]).isCloseTo(1, within(1e-10));
        assertThat(x[1]).isCloseTo(-2, within(1e-10));
        assertThat(x[2]).isCloseTo(3, within(1e-10));
    }

    @Test
    void klOfAPolicyWithItselfIsZeroAndPositiveOtherwise() {
        MultiCategorical h = new MultiCategorical(new int[] {3, 2});
        double[] l = {0.3, -1.2, 2.0, 0.5, 0.1};
        assertThat(h.kl(l, l)).isEqualTo(0.0);
        double[] m = {0.3, -1.0, 2.0, 0.5, 0.4};
        assertThat(h.kl(l, m)).isPositive();
    }

    @Test
    void logProbOfTheFactorisedHeadsIsTheSumOfHeadLogSoftmaxes() {
        MultiCategorical h = new MultiCategorical(new int[] {3, 2});
        double[] l = {1, 2, 3, -1, 1};
        double head0 = 2 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        double head1 = -1 - Math.log(Math.exp(-1) + Math.exp(1));
        assertThat(h.logProb(l, new int[] {1, 0})).isCloseTo(head0 + head1, within(1e-12));
        // entropy is the sum of the heads' entropies
        double[] p0 = {Math.exp(1), Math.exp(2), Math.exp(3)};
        double z0 = p0[0] + p0[1] + p0[2];
        double e0 = 0;
        for (double v : p0) {
            e0 -= v / z0 * Math.log(v / z0);
        }
        double q = Math.exp(-1) / (Math.exp(-1) + Math.exp(1));
        double e1 = -q * Math.log(q) - (1 - q) * Math.log(1 - q);
        assertThat(h.entropy(l)).isCloseTo(e0 + e1, within(1e-12));
    }

    @Test
    void logProbGradientMatchesFiniteDifferences() {
        MultiCategorical h = new MultiCategorical(new int[] {3, 2});
        double[] l = {0.2, -0.4, 1.1, 0.7, -0.3};
        int[] a = {2, 1};
        double[] g = new double[5];
        h.addLogProbGradient(l, a, 1.0, g);
        double[] e = new double[5];
        h.addEntropyGradient(l, 1.0, e);
        for (int k = 0; k < 5; k++) {
            double[] p = l.clone();
            double[] m = l.clone();
            p[k] += 1e-6;
            m[k] -= 1e-6;
            assertThat(g[k]).isCloseTo((h.logProb(p, a) - h.logProb(m, a)) / 2e-6, within(1e-8));
            assertThat(e[k]).isCloseTo((h.entropy(p) - h.entropy(m)) / 2e-6, within(1e-8));
        }
    }

    @Test
    void fisherMetricIsTheHessianOfKl() {
        MultiCategorical h = new MultiCategorical(new int[] {3, 2});
        double[] l = {0.2, -0.4, 1.1, 0.7, -0.3};
        double[] v = {0.5, -1, 0.25, 2, -0.5};
        double t = 1e-4;
        double[] lt = l.clone();
        for (int k = 0; k < 5; k++) {
            lt[k] += t * v[k];
        }
        // KL(p || p_t) ~ t^2/2 v.Fv
        double vfv = 0;
        double[] fv = h.fisherLogits(h.probabilities(l), v);
        for (int k = 0; k < 5; k++) {
            vfv += v[k] * fv[k];
        }
        assertThat(h.kl(l, lt)).isCloseTo(t * t / 2 * vfv, within(1e-11));
    }

    @Test
    void gaeOnAHandWorkedThreeStepExample() {
        // one env, rewards 1, 2, 3; values 0.5, 1.0, 1.5; episode ends at step 3; gamma 0.9, lambda 0.8
        double[][] r = {{1}, {2}, {3}};
        double[][] v = {{0.5}, {1.0}, {1.5}};
        boolean[][] d = {{false}, {false}, {true}};
        Gae.Result g = Gae.compute(r, v, d, new double[] {9.0}, 0.9, 0.8);
        double d3 = 3 - 1.5;                 // terminal: no bootstrap
        double d2 = 2 + 0.9 * 1.5 - 1.0;
        double d1 = 1 + 0.9 * 1.0 - 0.5;
        double a3 = d3;
        double a2 = d2 + 0.9 * 0.8 * a3;
        double a1 = d1 + 0.9 * 0.8 * a2;
        assertThat(g.advantages()[2][0]).isCloseTo(a3, within(1e-12));
        assertThat(g.advantages()[1][0]).isCloseTo(a2, within(1e-12));
        assertThat(g.advantages()[0][0]).isCloseTo(a1, within(1e-12));
        assertThat(g.returns()[0][0]).isCloseTo(a1 + 0.5, within(1e-12));
        // without the episode end the last step bootstraps from the last value
        Gae.Result open = Gae.compute(r, v, new boolean[][] {{false}, {false}, {false}}, new double[] {9.0}, 0.9, 0.8);
        assertThat(open.advantages()[2][0]).isCloseTo(3 + 0.9 * 9.0 - 1.5, within(1e-12));
    }

    @Test
    void samplingFollowsTheProbabilitiesAndArgmaxBreaksTiesLow() {
        MultiCategorical h = new MultiCategorical(new int[] {3});
        double[] l = {0, Math.log(2), Math.log(7)};
        Rng rng = Rng.of(5);
        int[] counts = new int[3];
        for (int i = 0; i < 20_000; i++) {
            counts[h.sample(l, new double[] {rng.nextDouble()})[0]]++;
        }
        assertThat(counts[0] / 20_000.0).isCloseTo(0.1, within(0.01));
        assertThat(counts[1] / 20_000.0).isCloseTo(0.2, within(0.01));
        assertThat(h.argmax(new double[] {1, 3, 3})).containsExactly(1);
    }

    @Test
    void orthogonalInitHasOrthonormalColumnsOrRows() {
        Rng rng = Rng.of(2);
        for (int[] shape : new int[][] {{9, 4}, {4, 9}, {6, 6}}) {
            double[][] q = Orthogonal.matrix(shape[0], shape[1], rng);
            boolean tall = shape[0] >= shape[1];
            int m = Math.min(shape[0], shape[1]);
            for (int a = 0; a < m; a++) {
                for (int b = 0; b < m; b++) {
                    double dot = 0;
                    for (int k = 0; k < Math.max(shape[0], shape[1]); k++) {
                        dot += tall ? q[k][a] * q[k][b] : q[a][k] * q[b][k];
                    }
                    assertThat(dot).isCloseTo(a == b ? 1 : 0, within(1e-12));
                }
            }
        }
    }
}
