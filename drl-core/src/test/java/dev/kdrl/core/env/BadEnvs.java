package dev.kdrl.core.env;

import dev.kdrl.core.space.Box;
import dev.kdrl.core.space.Space;
import java.util.concurrent.atomic.AtomicLong;

/** Variants of {@link CounterEnv}, each breaking exactly one rule of the {@link Env} contract. */
final class BadEnvs {
    private BadEnvs() {
    }

    /** Steps happily before the first reset (starting from t = 0). */
    static final class NoThrowBeforeReset extends CounterEnv {
        NoThrowBeforeReset() {
            started = true;
        }
    }

    /** Declares observations in [0, 2] but reaches t = 3 at the end of each episode. */
    static final class LeavesSpace extends CounterEnv {
        @Override
        public Space<double[]> observationSpace() {
            return Box.uniform(1, 0, length - 1);
        }
    }

    /** Leaves its observation space at the end of every episode and is not deterministic either. */
    static final class LeavesSpaceAndNonDeterministic extends CounterEnv {
        static final AtomicLong GLOBAL = new AtomicLong();

        @Override
        public Space<double[]> observationSpace() {
            return Box.uniform(1, 0, length - 1);
        }

        @Override
        double reward(int action) {
            return action + GLOBAL.incrementAndGet() * 1e-3;
        }
    }

    /** Returns a NaN observation at t = 2. */
    static final class NaNObservation extends CounterEnv {
        @Override
        double[] observation() {
            return new double[] {t == 2 ? Double.NaN : t};
        }
    }

    /** Returns a NaN reward at t = 2 (observations are fine). */
    static final class NaNReward extends CounterEnv {
        @Override
        double reward(int action) {
            return t == 2 ? Double.NaN : action;
        }
    }

    /** Reward depends on an unseeded global counter, so replaying a seed gives a different trajectory. */
    static final class NonDeterministic extends CounterEnv {
        static final AtomicLong GLOBAL = new AtomicLong();

        @Override
        double reward(int action) {
            return action + GLOBAL.incrementAndGet() * 1e-3;
        }
    }

    /**
     * Returns its internal state array from reset and step and advances it in place. The observation space
     * is unbounded so that the checker's scribbling keeps observations in the space: only aliasing is wrong.
     */
    static final class Aliasing extends CounterEnv {
        private final double[] state = new double[1];

        @Override
        public Space<double[]> observationSpace() {
            return Box.uniform(1, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        }

        @Override
        public double[] reset(long seed) {
            super.reset(seed);
            state[0] = 0;
            return state;
        }

        @Override
        public StepResult<double[]> step(Integer action) {
            StepResult<double[]> r = super.step(action);
            state[0] += 1;
            return new StepResult<>(state, r.reward(), r.terminated(), r.truncated(), r.info());
        }
    }

    /** Writes every observation into one reused buffer (never reads it back): callers' kept observations change. */
    static final class ReusedBuffer extends CounterEnv {
        private final double[] buffer = new double[1];

        @Override
        public double[] reset(long seed) {
            buffer[0] = super.reset(seed)[0];
            return buffer;
        }

        @Override
        public StepResult<double[]> step(Integer action) {
            StepResult<double[]> r = super.step(action);
            buffer[0] = r.observation()[0];
            return new StepResult<>(buffer, r.reward(), r.terminated(), r.truncated(), r.info());
        }
    }

    /** Lets the caller step after the episode ended (the extra step's result is never inspected). */
    static final class StepsAfterDone extends CounterEnv {
        @Override
        void checkCanStep() {
            if (!started) {
                throw new IllegalStateException("step before reset");
            }
        }
    }

    /** Throws the wrong exception type before reset. */
    static final class WrongExceptionBeforeReset extends CounterEnv {
        @Override
        void checkCanStep() {
            if (!started) {
                throw new UnsupportedOperationException("not started");
            }
            super.checkCanStep();
        }
    }

    /** Step results are fine, but step() returns null at t = 2. */
    static final class NullStep extends CounterEnv {
        @Override
        public StepResult<double[]> step(Integer action) {
            StepResult<double[]> r = super.step(action);
            return t == 2 ? null : r;
        }
    }
}
