package dev.kdrl.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.core.rng.Rng;
import dev.kdrl.core.space.Box;
import dev.kdrl.core.space.Discrete;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncVecEnvTest {

    private static double[] firsts(List<double[]> obs) {
        double[] out = new double[obs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = obs.get(i)[0];
        }
        return out;
    }

    private static SyncVecEnv<double[], Integer> counters(int n) {
        return SyncVecEnv.of(n, i -> new CounterEnv());
    }

    private static CounterEnv counter(SyncVecEnv<double[], Integer> vec, int i) {
        return (CounterEnv) vec.env(i);
    }

    @Test
    void exposesSpacesAndSize() {
        SyncVecEnv<double[], Integer> vec = counters(3);
        assertThat(vec.numEnvs()).isEqualTo(3);
        assertThat(vec.observationSpace()).isEqualTo(Box.uniform(1, 0, 3));
        assertThat(vec.actionSpace()).isEqualTo(new Discrete(3));
    }

    @Test
    void batchesResetAndStep() {
        SyncVecEnv<double[], Integer> vec = counters(3);
        assertThat(firsts(vec.reset(7))).containsExactly(0, 0, 0);

        VecStepResult<double[]> r = vec.step(List.of(0, 1, 2));
        assertThat(r.rewards()).containsExactly(0, 1, 2);
        assertThat(firsts(r.observations())).containsExactly(1, 1, 1);
        assertThat(r.terminated()).containsExactly(false, false, false);
        assertThat(r.truncated()).containsExactly(false, false, false);
        assertThat(r.finalObservations()).hasSize(3).containsOnlyNulls();
        assertThat(r.infos()).hasSize(3).allSatisfy(info -> assertThat(info).containsEntry("t", 1));
        for (int i = 0; i < 3; i++) {
            assertThat(r.done(i)).isFalse();
        }
    }

    @Test
    void autoResetsAllEnvsEndingTogether() {
        SyncVecEnv<double[], Integer> vec = counters(2);
        vec.reset(7);
        vec.step(List.of(1, 1));
        vec.step(List.of(1, 1));
        VecStepResult<double[]> r = vec.step(List.of(2, 0));
        assertThat(r.terminated()).containsExactly(true, true);
        assertThat(r.done(0)).isTrue();
        assertThat(r.done(1)).isTrue();
        assertThat(r.rewards()).containsExactly(2, 0);
        assertThat(firsts(r.finalObservations())).containsExactly(3, 3);
        assertThat(firsts(r.observations())).as("first obs of the next episode").containsExactly(0, 0);
        for (int i = 0; i < 2; i++) {
            assertThat(counter(vec, i).seeds).hasSize(2);
        }
        // the new episodes really started: the next step is legal and counts from 0
        VecStepResult<double[]> next = vec.step(List.of(1, 1));
        assertThat(firsts(next.observations())).containsExactly(1, 1);
        assertThat(next.finalObservations()).containsOnlyNulls();
    }

    @Test
    void finalObservationsOnlyWhereDone() {
        // episode lengths 1, 3 and 2: the envs end at different steps
        int[] lengths = {1, 3, 2};
        SyncVecEnv<double[], Integer> vec = SyncVecEnv.of(3, i -> new CounterEnv(lengths[i]));
        vec.reset(5);

        VecStepResult<double[]> s1 = vec.step(List.of(1, 1, 1));
        assertThat(s1.terminated()).containsExactly(true, false, false);
        assertThat(s1.finalObservations().get(0)).containsExactly(1);
        assertThat(s1.finalObservations().get(1)).isNull();
        assertThat(s1.finalObservations().get(2)).isNull();
        assertThat(firsts(s1.observations())).containsExactly(0, 1, 1);

        VecStepResult<double[]> s2 = vec.step(List.of(1, 1, 1));
        assertThat(s2.terminated()).containsExactly(true, false, true);
        assertThat(s2.finalObservations().get(0)).containsExactly(1);
        assertThat(s2.finalObservations().get(1)).isNull();
        assertThat(s2.finalObservations().get(2)).containsExactly(2);
        assertThat(firsts(s2.observations())).containsExactly(0, 2, 0);

        VecStepResult<double[]> s3 = vec.step(List.of(1, 1, 1));
        assertThat(s3.terminated()).containsExactly(true, true, false);
        assertThat(s3.finalObservations().get(1)).containsExactly(3);
        assertThat(s3.finalObservations().get(2)).isNull();
        assertThat(firsts(s3.observations())).containsExactly(0, 0, 1);

        // one reset seed per episode started
        assertThat(counter(vec, 0).seeds).hasSize(4);
        assertThat(counter(vec, 1).seeds).hasSize(2);
        assertThat(counter(vec, 2).seeds).hasSize(2);
    }

    private static List<List<Long>> runAndCollectSeeds(long seed) {
        int[] lengths = {1, 3, 2};
        SyncVecEnv<double[], Integer> vec = SyncVecEnv.of(3, i -> new CounterEnv(lengths[i]));
        vec.reset(seed);
        for (int t = 0; t < 10; t++) {
            vec.step(List.of(t % 3, (t + 1) % 3, (t + 2) % 3));
        }
        List<List<Long>> seeds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            seeds.add(List.copyOf(counter(vec, i).seeds));
        }
        return seeds;
    }

    @Test
    void seedsAreDerivedDeterministically() {
        List<List<Long>> a = runAndCollectSeeds(123);
        List<List<Long>> b = runAndCollectSeeds(123);
        assertThat(a).isEqualTo(b);
        assertThat(runAndCollectSeeds(124)).isNotEqualTo(a);

        // every episode of every env got its own seed
        HashSet<Long> all = new HashSet<>();
        int count = 0;
        for (List<Long> s : a) {
            all.addAll(s);
            count += s.size();
        }
        assertThat(all).hasSize(count);
    }

    @Test
    void resettingWithTheSameSeedReplaysTheSameSeeds() {
        SyncVecEnv<double[], Integer> vec = counters(2);
        vec.reset(9);
        vec.step(List.of(0, 0));
        vec.step(List.of(0, 0));
        vec.step(List.of(0, 0)); // auto-reset
        List<Long> env0 = List.copyOf(counter(vec, 0).seeds);
        List<Long> env1 = List.copyOf(counter(vec, 1).seeds);
        counter(vec, 0).seeds.clear();
        counter(vec, 1).seeds.clear();

        vec.reset(9);
        vec.step(List.of(0, 0));
        vec.step(List.of(0, 0));
        vec.step(List.of(0, 0));
        assertThat(counter(vec, 0).seeds).isEqualTo(env0);
        assertThat(counter(vec, 1).seeds).isEqualTo(env1);
        assertThat(env0.get(0)).isNotEqualTo(env1.get(0));
    }

    @Test
    void laterEpisodeSeedsComeFromTheResetSeedStream() {
        SyncVecEnv<double[], Integer> vec = counters(2);
        vec.reset(42);
        for (int t = 0; t < 3; t++) {
            vec.step(List.of(0, 0));
        }
        Rng expected = Rng.of(42);
        long s0 = expected.nextSeed();
        long s1 = expected.nextSeed();
        long s2 = expected.nextSeed();
        long s3 = expected.nextSeed();
        assertThat(counter(vec, 0).seeds).containsExactly(s0, s2);
        assertThat(counter(vec, 1).seeds).containsExactly(s1, s3);
    }

    @Test
    void stepBeforeResetThrows() {
        SyncVecEnv<double[], Integer> vec = counters(2);
        assertThatThrownBy(() -> vec.step(List.of(0, 0))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void wrongNumberOfActionsThrows() {
        SyncVecEnv<double[], Integer> vec = counters(2);
        vec.reset(1);
        assertThatThrownBy(() -> vec.step(List.of(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected 2 actions, got 1");
        assertThatThrownBy(() -> vec.step(List.of(0, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected 2 actions, got 3");
        // no env was stepped by the rejected calls
        assertThat(firsts(vec.step(List.of(1, 1)).observations())).containsExactly(1, 1);
    }

    @Test
    void constructionValidation() {
        assertThatThrownBy(() -> new SyncVecEnv<double[], Integer>(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SyncVecEnv<double[], Integer>(null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SyncVecEnv.<double[], Integer>of(0, i -> new CounterEnv()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n must be > 0, got 0");
        assertThatThrownBy(() -> SyncVecEnv.<double[], Integer>of(2, i -> i == 1 ? null : new CounterEnv()))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("env 1");
    }
}
