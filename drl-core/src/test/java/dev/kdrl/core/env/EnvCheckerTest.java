package dev.kdrl.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnvCheckerTest {

    private static List<String> problemsOf(Env<double[], Integer> env) {
        EnvCheckException e = catchThrowableOfType(EnvCheckException.class, () -> EnvChecker.check(env));
        assertThat(e).as("EnvChecker should reject %s", env.getClass().getSimpleName()).isNotNull();
        assertThat(e.problems()).isNotEmpty();
        assertThat(e.getMessage()).startsWith("environment check failed: ");
        return e.problems();
    }

    @Test
    void passesOnACorrectEnv() {
        assertThatCode(() -> EnvChecker.check(new CounterEnv())).doesNotThrowAnyException();
        assertThatCode(() -> EnvChecker.check(new CounterEnv(5), 77L, 50)).doesNotThrowAnyException();
        assertThatCode(() -> EnvChecker.check(new CounterEnv(1), -3L, 1)).doesNotThrowAnyException();
    }

    @Test
    void rejectsNonPositiveStepsAndNullEnv() {
        assertThatThrownBy(() -> EnvChecker.check(new CounterEnv(), 0L, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("steps must be > 0, got 0");
        assertThatThrownBy(() -> EnvChecker.check(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void flagsStepBeforeResetThatDoesNotThrow() {
        assertThat(problemsOf(new BadEnvs.NoThrowBeforeReset()))
                .containsExactly("step() before reset() must throw IllegalStateException, but it returned");
    }

    @Test
    void flagsStepBeforeResetThrowingTheWrongException() {
        assertThat(problemsOf(new BadEnvs.WrongExceptionBeforeReset()))
                .singleElement()
                .asString()
                .startsWith("step() before reset() must throw IllegalStateException, got ")
                .contains("UnsupportedOperationException");
    }

    @Test
    void flagsObservationsOutsideTheSpace() {
        List<String> problems = problemsOf(new BadEnvs.LeavesSpace());
        // ten steps reported, then how many more: 500 steps of 3-step episodes leave the space at 166 steps
        assertThat(problems).hasSize(11);
        assertThat(problems.subList(0, 10)).allSatisfy(p -> assertThat(p).contains("observation [3.0] is not in Box"));
        // the first episode ends at loop step 2, so that is the first report
        assertThat(problems.get(0)).startsWith("step 2: ");
        assertThat(problems.get(10)).isEqualTo("and 156 more observation or reward problems at later steps");
    }

    /** A rule broken once is never hidden behind the per-step reports, however many there are. */
    @Test
    void listsEveryBrokenRuleBeforeThePerStepProblems() {
        List<String> problems = problemsOf(new BadEnvs.LeavesSpaceAndNonDeterministic());
        assertThat(problems.get(0)).startsWith("same seed and actions gave different trajectories at record ");
        assertThat(problems.subList(1, 11)).allSatisfy(p -> assertThat(p).contains("is not in Box"));
        assertThat(problems.get(11)).startsWith("and ").endsWith(" more observation or reward problems at later steps");
        assertThat(problems).hasSize(12);
    }

    @Test
    void flagsNaNObservations() {
        List<String> problems = problemsOf(new BadEnvs.NaNObservation());
        assertThat(problems.get(problems.size() - 1)).endsWith(" more observation or reward problems at later steps");
        problems = problems.subList(0, problems.size() - 1);
        assertThat(problems).hasSize(10).allSatisfy(p -> assertThat(p).contains("observation[0] is not finite: NaN"));
        assertThat(problems.get(0)).isEqualTo("step 1: observation[0] is not finite: NaN");
    }

    @Test
    void flagsNaNRewards() {
        List<String> problems = problemsOf(new BadEnvs.NaNReward());
        assertThat(problems.get(problems.size() - 1)).endsWith(" more observation or reward problems at later steps");
        problems = problems.subList(0, problems.size() - 1);
        assertThat(problems).hasSize(10).allSatisfy(p -> assertThat(p).contains("is not finite: NaN").startsWith("reward at step"));
        assertThat(problems.get(0)).isEqualTo("reward at step 1 is not finite: NaN");
    }

    @Test
    void flagsNonDeterminism() {
        assertThat(problemsOf(new BadEnvs.NonDeterministic()))
                .singleElement()
                .asString()
                .startsWith("same seed and actions gave different trajectories at record ");
    }

    @Test
    void flagsObservationsAliasedWithEnvState() {
        // the env is deterministic; it fails because it reads back the returned array (the checker's
        // scribbling changes its trajectory) and because step() changes an observation already returned
        assertThat(problemsOf(new BadEnvs.Aliasing()))
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("same seed and actions gave different trajectories at record "))
                .anySatisfy(p -> assertThat(p).startsWith("the observation returned before step 0 was modified by step()"));
    }

    @Test
    void flagsObservationsOverwrittenByALaterStep() {
        assertThat(problemsOf(new BadEnvs.ReusedBuffer()))
                .singleElement()
                .asString()
                .isEqualTo("the observation returned before step 0 was modified by step(): return a fresh object each time");
    }

    /** A list observation is copied too: one list reused for every observation is caught as an array would be. */
    @Test
    void aReusedListObservationIsCaught() {
        class ListEnv implements Env<List<Double>, Integer> {
            private final CounterEnv counter = new CounterEnv();
            private final boolean reuse;
            private final List<Double> buffer = new java.util.ArrayList<>(List.of(0.0));

            ListEnv(boolean reuse) {
                this.reuse = reuse;
            }

            private List<Double> of(double[] o) {
                if (!reuse) {
                    return new java.util.ArrayList<>(List.of(o[0]));
                }
                buffer.set(0, o[0]);
                return buffer;
            }

            @Override
            public dev.kdrl.core.space.Space<List<Double>> observationSpace() {
                return new dev.kdrl.core.space.Space<>() {
                    @Override
                    public List<Double> sample(dev.kdrl.core.rng.Rng rng) {
                        return List.of(0.0);
                    }

                    @Override
                    public boolean contains(List<Double> value) {
                        return value.size() == 1;
                    }

                    @Override
                    public int flatSize() {
                        return 1;
                    }
                };
            }

            @Override
            public dev.kdrl.core.space.Space<Integer> actionSpace() {
                return counter.actionSpace();
            }

            @Override
            public List<Double> reset(long seed) {
                return of(counter.reset(seed));
            }

            @Override
            public StepResult<List<Double>> step(Integer action) {
                StepResult<double[]> r = counter.step(action);
                return new StepResult<>(of(r.observation()), r.reward(), r.terminated(), r.truncated(), r.info());
            }
        }
        assertThatCode(() -> EnvChecker.check(new ListEnv(false))).doesNotThrowAnyException();
        EnvCheckException e = catchThrowableOfType(EnvCheckException.class, () -> EnvChecker.check(new ListEnv(true)));
        assertThat(e).isNotNull();
        assertThat(e.problems()).contains(
                "the observation returned before step 0 was modified by step(): return a fresh object each time");
    }

    @Test
    void aliasingEnvIsOtherwiseDeterministicWhenObservationsAreNotTouched() {
        // control for the test above: replaying without modifying the returned arrays gives equal results
        BadEnvs.Aliasing env = new BadEnvs.Aliasing();
        double[] first = new double[4];
        double[] second = new double[4];
        for (double[] out : List.of(first, second)) {
            out[0] = env.reset(1)[0];
            for (int i = 1; i < 4; i++) {
                out[i] = env.step(1).observation()[0];
            }
        }
        assertThat(first).containsExactly(0, 1, 2, 3);
        assertThat(second).containsExactly(first);
    }

    @Test
    void flagsStepAfterEpisodeEnd() {
        assertThat(problemsOf(new BadEnvs.StepsAfterDone()))
                .containsExactly("step() after the episode ended must throw IllegalStateException");
    }

    @Test
    void flagsNullStepResult() {
        assertThat(problemsOf(new BadEnvs.NullStep()))
                .containsExactly("step() returned null at step 1");
    }
}
