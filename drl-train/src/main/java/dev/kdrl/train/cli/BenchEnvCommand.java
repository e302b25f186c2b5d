package dev.kdrl.train.cli;

import dev.kdrl.core.rng.Rng;
import dev.kdrl.core.space.MultiDiscrete;
import dev.kdrl.env.baseline.OptimalPlanner;
import dev.kdrl.env.cluster.ClusterBench;
import dev.kdrl.env.cluster.ClusterEnv;
import dev.kdrl.env.cluster.ClusterParams;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.trace.Trace;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The simulator's two benchmarks: steps per CPU-second and the exact optimum's wall time. */
@Command(name = "bench-env", mixinStandardHelpOptions = true,
        description = {"Benchmark the paper environment: (1) the exact optimum of the trace (wall and CPU time, run "
                + "first, on a cold JVM), (2) environment steps per CPU-second with uniformly random actions on one "
                + "thread (action sampling included)."})
final class BenchEnvCommand implements Callable<Integer> {
    @Option(names = "--trace", defaultValue = "datasets/paper/train-200.csv", paramLabel = "FILE",
            description = "Trace for both benchmarks. Default: ${DEFAULT-VALUE}.")
    Path trace;

    @Option(names = "--seconds", defaultValue = "5", description = "CPU seconds of measured stepping after "
            + "as many seconds of warm-up. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--skip-optimum", description = "Only the stepping benchmark.")
    boolean skipOptimum;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random actions. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--dynamics", defaultValue = "paper", paramLabel = "paper|cluster",
            description = "paper (default): the benchmarks above. cluster: decision periods of the cluster-faithful "
                    + "model per CPU-second (the paper's three services, random actions, min-scale from the decision, "
                    + "the predictor shown the actual load).")
    String dynamics;

    @Option(names = "--tick", defaultValue = "2", description = "With --dynamics cluster: the tick in seconds. "
            + "Default: ${DEFAULT-VALUE}.")
    double tick;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        EnvOptions.requirePositive("--seconds", seconds);
        if (!"paper".equals(dynamics) && !"cluster".equals(dynamics)) {
            throw new IllegalArgumentException("--dynamics '" + dynamics + "' is not one of paper, cluster");
        }
        var parsed = spec.commandLine().getParseResult();
        if ("cluster".equals(dynamics) && skipOptimum) {
            throw new IllegalArgumentException("--skip-optimum applies to --dynamics paper only: the cluster "
                    + "benchmark times stepping alone");
        }
        if ("paper".equals(dynamics) && parsed.hasMatchedOption("--tick")) {
            throw new IllegalArgumentException("--tick applies to --dynamics cluster only: the paper model steps once "
                    + "per period");
        }
        ClusterParams params = "cluster".equals(dynamics) ? ClusterEvaluation.withTick(ClusterParams.DEFAULTS, tick)
                : null;
        PrintWriter out = spec.commandLine().getOut();
        Trace t = EnvOptions.trace(trace);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        out.printf(Locale.ROOT, "machine: %d cores, %s %s, max heap %d MB%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20);
        if ("cluster".equals(dynamics)) {
            ClusterEnv env = new ClusterEnv(PaperProfile.generalModel(), params, t, ClusterEnv.Options.defaults());
            ClusterBench.Result r = ClusterBench.run(env, seconds, seed);
            out.printf(Locale.ROOT, "cluster dynamics: %,d decision periods (%d ticks of %s s each) in %.2f CPU-s (%.2f s "
                    + "wall): %,.0f periods per CPU-second (3 services, random actions, one thread; checksum %.1f)%n",
                    r.periods(), r.ticksPerPeriod(), tick, r.cpuSeconds(), r.wallSeconds(), r.periodsPerCpuSecond(),
                    r.checksum());
            out.flush();
            return 0;
        }
        if (!skipOptimum) {
            QuotaEnv env = PaperProfile.env(t);
            long cpu0 = processCpuNanos();
            long wall0 = System.nanoTime();
            OptimalPlanner.Plan plan = OptimalPlanner.solve(env);
            double wall = (System.nanoTime() - wall0) / 1e9;
            double cpu = (processCpuNanos() - cpu0) / 1e9;
            out.printf(Locale.ROOT, "optimum: %s return %.4f, %d steps, max %d states per step, %.2f s wall, %.2f s CPU%n",
                    trace, plan.value(), plan.actions().size(), plan.maxStates(), wall, cpu);
            out.flush();
        }
        QuotaEnv env = PaperProfile.env(t);
        MultiDiscrete space = env.actionSpace();
        Rng rng = Rng.of(seed);
        env.reset(0);
        long steps = 0;
        double checksum = 0;
        long budget = (long) (seconds * 1e9);
        for (int phase = 0; phase < 2; phase++) {
            long start = threads.getCurrentThreadCpuTime();
            long wallStart = System.nanoTime();
            steps = 0;
            long now = start;
            while (now - start < budget) {
                for (int k = 0; k < 10_000; k++) {
                    var r = env.step(space.sample(rng));
                    checksum += r.reward();
                    if (r.done()) {
                        env.reset(0);
                    }
                }
                steps += 10_000;
                now = threads.getCurrentThreadCpuTime();
            }
            if (phase == 1) {
                double cpu = (now - start) / 1e9;
                double wall = (System.nanoTime() - wallStart) / 1e9;
                out.printf(Locale.ROOT, "env steps: %,d in %.2f CPU-s (%.2f s wall): %,.0f steps per CPU-second "
                        + "(random actions, one thread; checksum %.1f)%n", steps, cpu, wall, steps / cpu, checksum);
            }
        }
        out.flush();
        return 0;
    }

    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return 0;
    }
}
