package dev.kdrl.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.core.rng.Rng;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MultiCategoricalPolicyTest {
    static final int[] NVEC = {4, 3, 5};

    static MultiCategoricalPolicy randomPolicy(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Mlp actor = TestNets.random(new int[] {6, 8, 8, 12}, Activation.TANH, r, 1.5);
        ObservationNormalizer norm = ObservationNormalizer.of(new double[] {1, 2, 3, 4, 5, 6},
                new double[] {1, 4, 9, 16, 25, 36}, 10);
        return MultiCategoricalPolicy.deterministic(actor, norm, NVEC);
    }

    static double[] randomObs(SplittableRandom r, int n) {
        double[] o = new double[n];
        for (int i = 0; i < n; i++) {
            o[i] = r.nextDouble(-20, 20);
        }
        return o;
    }

    @Test
    void logitsAreTheActorOnTheNormalisedObservation() {
        MultiCategoricalPolicy p = randomPolicy(1);
        double[] obs = {3, -1, 7, 0, 2, 40};
        assertThat(p.logits(obs)).containsExactly(p.actor().forward(p.normalizer().normalize(obs)));
        assertThat(obs).containsExactly(3, -1, 7, 0, 2, 40);
    }

    @Test
    void logProbIsTheSumOfPerHeadLogSoftmax() {
        MultiCategoricalPolicy p = randomPolicy(2);
        SplittableRandom r = new SplittableRandom(3);
        for (int k = 0; k < 50; k++) {
            double[] obs = randomObs(r, 6);
            int[] action = {r.nextInt(4), r.nextInt(3), r.nextInt(5)};
            double[] l = p.logits(obs);
            // independently: log(exp(l_a) / sum exp(l)) per head, heads at offsets 0, 4, 7
            double expected = 0;
            int offset = 0;
            for (int h = 0; h < NVEC.length; h++) {
                double sum = 0;
                for (int j = 0; j < NVEC[h]; j++) {
                    sum += Math.exp(l[offset + j]);
                }
                expected += Math.log(Math.exp(l[offset + action[h]]) / sum);
                offset += NVEC[h];
            }
            assertThat(p.logProb(obs, action)).isCloseTo(expected, within(1e-12));
        }
    }

    @Test
    void logProbsSumToOneAndEntropyMatchesDefinition() {
        MultiCategoricalPolicy p = randomPolicy(4);
        double[] obs = {0.5, 1, -2, 8, 3, 3};
        double total = 0;
        double entropy = 0;
        for (int a = 0; a < 4; a++) {
            for (int b = 0; b < 3; b++) {
                for (int c = 0; c < 5; c++) {
                    double lp = p.logProb(obs, new int[] {a, b, c});
                    total += Math.exp(lp);
                    entropy -= Math.exp(lp) * lp;
                }
            }
        }
        assertThat(total).isCloseTo(1, within(1e-12));
        assertThat(p.entropy(obs)).isCloseTo(entropy, within(1e-12));
        double[] probs = p.probabilities(obs);
        assertThat(probs[0] + probs[1] + probs[2] + probs[3]).isCloseTo(1, within(1e-15));
    }

    @Test
    void logProbIsNumericallyStableForHugeLogits() {
        MultiCategoricalPolicy p = MultiCategoricalPolicy.deterministic(
                TestNets.constant(2, 1000, 0, -1000, 800, 801), null, new int[] {3, 2});
        double[] obs = {0, 0};
        assertThat(p.logProb(obs, new int[] {0, 1})).isCloseTo(-Math.log1p(Math.exp(-1)), within(1e-12));
        assertThat(p.logProb(obs, new int[] {2, 0})).isCloseTo(-2000 - 1 - Math.log1p(Math.exp(-1)),
                within(1e-9));
        assertThat(p.entropy(obs)).isFinite();
        assertThat(p.sample(obs, Rng.of(1))[0]).isEqualTo(0);
    }

    @Test
    void argmaxBreaksTiesTowardsTheLowestIndex() {
        MultiCategoricalPolicy p = MultiCategoricalPolicy.deterministic(
                TestNets.constant(1, 0, 2, 2, 1, /* head 2 */ 5, 5, 5, /* head 3 */ -1, 3), null,
                new int[] {4, 3, 2});
        assertThat(p.act(new double[] {0})).containsExactly(1, 0, 1);
        assertThat(p.mode()).isEqualTo(MultiCategoricalPolicy.Mode.DETERMINISTIC);
        assertThat(p.argmax(new double[] {0})).containsExactly(1, 0, 1);
    }

    @Test
    void samplingFrequenciesMatchSoftmaxProbabilities() {
        double[] logits = {0.5, -1, 2, 0, /* head 2 */ 1, 1.2, -0.3};
        MultiCategoricalPolicy p = MultiCategoricalPolicy.stochastic(TestNets.constant(3, logits), null,
                new int[] {4, 3}, Rng.of(2024));
        double[] obs = {1, 2, 3};
        double[] probs = p.probabilities(obs);
        int n = 20_000;
        int[] counts = new int[logits.length];
        for (int k = 0; k < n; k++) {
            int[] a = p.act(obs);
            counts[a[0]]++;
            counts[4 + a[1]]++;
        }
        for (int j = 0; j < logits.length; j++) {
            // 4.5 standard deviations of a binomial proportion at p <= 0.5 and 20k draws is < 0.016
            assertThat((double) counts[j] / n).as("logit %d", j).isCloseTo(probs[j], within(0.016));
        }
    }

    @Test
    void sameSeedGivesTheSameSamples() {
        MultiCategoricalPolicy base = randomPolicy(5);
        MultiCategoricalPolicy a = base.stochastic(Rng.of(77));
        MultiCategoricalPolicy b = base.stochastic(Rng.of(77));
        MultiCategoricalPolicy c = base.stochastic(Rng.of(78));
        SplittableRandom r = new SplittableRandom(6);
        boolean anyDifferent = false;
        for (int k = 0; k < 200; k++) {
            double[] obs = randomObs(r, 6);
            int[] x = a.act(obs);
            assertThat(b.act(obs)).containsExactly(x);
            anyDifferent |= !Arrays.equals(c.act(obs), x);
            assertThat(base.sample(obs, Rng.of(k))).containsExactly(base.sample(obs, Rng.of(k)));
        }
        assertThat(anyDifferent).isTrue();
        assertThat(a.mode()).isEqualTo(MultiCategoricalPolicy.Mode.STOCHASTIC);
        assertThat(a.deterministic().mode()).isEqualTo(MultiCategoricalPolicy.Mode.DETERMINISTIC);
    }

    @Test
    void validatesShapesWithMessages() {
        Mlp actor = TestNets.random(new int[] {9, 4, 36}, Activation.TANH, new SplittableRandom(1), 1);
        assertThatThrownBy(() -> MultiCategoricalPolicy.deterministic(actor, null, new int[] {22, 7, 8}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the actor has 36 outputs, nvec [22, 7, 8] needs sum(nvec) = 37");
        assertThatThrownBy(() -> MultiCategoricalPolicy.deterministic(actor, ObservationNormalizer.identity(8),
                new int[] {22, 7, 7}))
                .hasMessage("the normalizer has size 8, the actor's input size is 9");
        MultiCategoricalPolicy p = MultiCategoricalPolicy.deterministic(actor, null, new int[] {22, 7, 7});
        assertThatThrownBy(() -> p.act(new double[8]))
                .hasMessage("observation has length 8, the policy expects 9");
        assertThatThrownBy(() -> p.act(new double[] {0, 0, 0, Double.NaN, 0, 0, 0, 0, 0}))
                .hasMessage("observation[3] is NaN (expected a finite number)");
        assertThatThrownBy(() -> p.logProb(new double[9], new int[] {0, 7, 0}))
                .hasMessage("action[1] is 7, must be in [0, 7)");
        assertThatThrownBy(() -> p.logProb(new double[9], new int[] {0, 0}))
                .hasMessage("action has 2 components, nvec [22, 7, 7] has 3");
        assertThatThrownBy(() -> MultiCategoricalPolicy.deterministic(actor, null, new int[] {22, 0, 14}))
                .hasMessage("nvec[1] must be > 0, got 0");
    }

    @Test
    void nameIsConfigurable() {
        MultiCategoricalPolicy p = randomPolicy(7);
        assertThat(p.name()).isEqualTo("multi-categorical");
        assertThat(p.withName("ppo-v2").name()).isEqualTo("ppo-v2");
        assertThat(p.withName("ppo-v2").stochastic(Rng.of(1)).name()).isEqualTo("ppo-v2");
        assertThat(p.actionSpace().nvec()).containsExactly(NVEC);
        assertThat(p.observationSize()).isEqualTo(6);
        assertThatThrownBy(() -> p.withName(" ")).hasMessage("name must not be blank, got ' '");
    }
}
