package dev.kdrl.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.core.rng.Rng;
import org.junit.jupiter.api.Test;

class MultiCategoricalTest {

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
    void aHeadWithoutChoicesIsRefused() {
        assertThatThrownBy(() -> new MultiCategorical(new int[] {2, 0, 3}))
                .hasMessage("nvec[1] is 0 (expected at least 1 choice)");
        assertThatThrownBy(() -> new MultiCategorical(new int[0])).hasMessage("nvec is empty (expected at least one head)");
        assertThat(new MultiCategorical(new int[] {1, 3}).width()).isEqualTo(4);
    }
}
