package dev.kdrl.train.cli;

import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.replay.ActionReplay;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Replays recorded actions and prints every step in the golden-trajectory format. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay recorded actions on the simulator and print one JSON line per step (seed, t, obs, "
                + "action, reward, next_obs, truncated, prev_pod, prev_res).",
            "The env is reset at the first line of each seed. This is how to check the env against reference data.",
            "Each seed's return (the sum of its rewards) is said on standard error, one line per seed."})
final class ReplayCommand implements Callable<Integer> {
    @Mixin
    EnvOptions env;

    @Option(names = "--actions", required = true, paramLabel = "EPISODES.jsonl",
            description = "JSONL with at least seed, t (0, 1, ... per seed) and action on each line.")
    Path actions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        EnvOptions.requireFile("--actions", actions, "");
        QuotaEnv e = new QuotaEnv(env.model(), env.trace());
        List<ActionReplay.Action> recorded = ActionReplay.readActions(actions);
        if (recorded.isEmpty()) {
            throw new IllegalArgumentException("--actions " + actions + ": no recorded step (expected one JSON object "
                    + "per line with seed, t and action)");
        }
        List<ActionReplay.Step> steps = ActionReplay.replay(e, recorded);
        PrintWriter out = spec.commandLine().getOut();
        java.util.Map<Long, double[]> returns = new java.util.LinkedHashMap<>(); // seed -> {return, steps}
        for (ActionReplay.Step s : steps) {
            out.println(s.toJson().toString());
            double[] r = returns.computeIfAbsent(s.seed(), k -> new double[2]);
            r[0] += s.reward();
            r[1]++;
        }
        out.flush();
        // on standard error, so that standard output stays the golden format
        PrintWriter err = spec.commandLine().getErr();
        returns.forEach((seed, r) -> err.printf(java.util.Locale.ROOT, "seed %d: return %.2f over %d steps%n", seed,
                r[0], (long) r[1]));
        err.flush();
        return 0;
    }
}
