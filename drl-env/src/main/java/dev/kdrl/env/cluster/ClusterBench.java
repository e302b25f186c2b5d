package dev.kdrl.env.cluster;

import dev.kdrl.core.env.StepResult;
import dev.kdrl.core.rng.Rng;
import dev.kdrl.core.space.MultiDiscrete;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Decision periods of {@link ClusterEnv} per CPU-second of this thread, stepping seeded uniformly random actions (their
 * sampling included): what {@code drl bench-env --dynamics cluster} prints.
 */
public final class ClusterBench {

    private ClusterBench() {
    }

    /**
     * The measured figures.
     *
     * @param periods          decision periods stepped in the measured phase
     * @param cpuSeconds       this thread's CPU seconds in the measured phase
     * @param wallSeconds      wall-clock seconds of the measured phase
     * @param ticksPerPeriod   simulator ticks in one period
     * @param checksum         the sum of the rewards (keeps the work from being optimised away; compare runs)
     */
    public record Result(long periods, double cpuSeconds, double wallSeconds, int ticksPerPeriod, double checksum) {
        /** Decision periods per CPU-second. */
        public double periodsPerCpuSecond() {
            return periods / cpuSeconds;
        }
    }

    /** Steps {@code env} with random actions for {@code seconds} of CPU after as many of warm-up. */
    public static Result run(ClusterEnv env, double seconds, long seed) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        MultiDiscrete space = env.actionSpace();
        Rng rng = Rng.of(seed);
        env.reset(seed);
        long budget = (long) (seconds * 1e9);
        Result result = null;
        for (int phase = 0; phase < 2; phase++) {
            long start = threads.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            long periods = 0;
            double checksum = 0;
            long now = start;
            while (now - start < budget) {
                for (int k = 0; k < 1000; k++) {
                    StepResult<double[]> r = env.step(space.sample(rng));
                    checksum += r.reward();
                    if (r.done()) {
                        env.reset(seed);
                    }
                }
                periods += 1000;
                now = threads.getCurrentThreadCpuTime();
            }
            result = new Result(periods, (now - start) / 1e9, (System.nanoTime() - wall) / 1e9,
                    env.params().ticksPerPeriod(), checksum);
        }
        return result;
    }
}
