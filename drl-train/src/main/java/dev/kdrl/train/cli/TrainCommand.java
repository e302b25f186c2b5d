package dev.kdrl.train.cli;

import dev.kdrl.env.baseline.CautiousChoice;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.train.algo.AlgorithmConfig;
import dev.kdrl.train.algo.Algorithms;
import dev.kdrl.train.algo.OnPolicyAlgorithm;
import dev.kdrl.train.algo.Ppo;
import dev.kdrl.train.algo.Trpo;
import dev.kdrl.train.run.TrainingRun;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Trains a policy on a trace. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a policy (the afterstate value, TRPO or PPO on DL4J, or RL4J's DQN) on a traffic trace; writes "
                + "model.zip (final policy), best.zip (best deterministic evaluation on --trace, or on the validation "
                + "traces of --eval-trace / --eval-synthetic when given), metrics.csv and learning-curve.png to --out.",
            "The defaults train the afterstate value (--algo afterstate, 320,000 steps, 8 environments, discount 0.8) "
                    + "that the saved policy's two-step search reads, on training traffic of which half is windows of "
                    + "three July 1995 weeks of a real web server (--traffic-windows, bundled) and half seeded "
                    + "synthetic traffic, each service in its range in --trace widened by a tenth (--uniform-traffic 1, "
                    + "--traffic-range-margin 0.1, in its own sub-range: --traffic-range-jitter 0.7, partly "
                    + "autocorrelated: --traffic-persistence 0.8), the value also "
                    + "reading the played traffic's statistics (--afterstate-traffic-features) and learning every "
                    + "candidate of a decision, not only the one taken (--afterstate-sibling-targets): chosen on "
                    + "validation traffic (docs/benchmarks.md). TRPO (--algo trpo) trains on the synthetic traffic with trust "
                    + "region 0.02 for 300,000 steps, Fisher-vector products on half of each batch, the critic 5 passes "
                    + "of 256. --published uses the published agent's setting exactly: TRPO, one environment, 200 steps "
                    + "per rollout, raw observations and rewards, the trace itself, discount 0.99, trust region 0.01, "
                    + "the whole batch for Fisher-vector products, the critic 10 passes of 128, 853,000 steps (unless "
                    + "--timesteps is given)."})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    EnvOptions env;

    @Option(names = "--algo", defaultValue = "afterstate",
            description = "afterstate (the value of the state after a decision learnt by temporal differences; acts by a "
                    + "one-step search on the model over the best --afterstate-candidates joint actions), trpo, ppo, or "
                    + "rl4j-dqn (RL4J's DQN on the flattened joint action; writes model.zip, its "
                    + "Q-network in our format, which drl evaluate and the agent read (greedy only), and rl4j-dqn.zip "
                    + "in RL4J's own format, plus metrics.csv per training episode and learning-curve.png; of the "
                    + "other options only --timesteps, --seed, --reward-scale, --out and the environment's apply). "
                    + "Default: ${DEFAULT-VALUE}.")
    String algo;

    @Option(names = "--timesteps", paramLabel = "N",
            description = "Environment steps, rounded up to whole iterations (afterstate: --envs episodes of the trace's "
                    + "length; TRPO/PPO: --envs x --n-steps). Default: 320000 for afterstate, 300000 for the others, "
                    + "853000 (the published run's length) with --published.")
    Long timestepsOption;


    @Option(names = "--seed", defaultValue = "0", description = "The one seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--envs", defaultValue = "8", description = "Environments stepped as one batch. Default: ${DEFAULT-VALUE}.")
    int envs;

    @Option(names = "--n-steps", defaultValue = "200", description = "Steps per environment per rollout. Default: ${DEFAULT-VALUE}.")
    int nSteps;

    @Option(names = "--normalize-obs", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "Running mean/variance observation normalisation, saved with the model. Default: ${DEFAULT-VALUE}.")
    boolean normalizeObs;

    @Option(names = "--reward-scale", defaultValue = "0.001",
            description = "Rewards are multiplied by this for learning (metrics stay unscaled). Default: ${DEFAULT-VALUE}.")
    double rewardScale;

    @Option(names = "--traffic-noise", defaultValue = "0", paramLabel = "FRACTION",
            description = "Traffic randomisation of the training episodes played on --trace (those not synthetic, see "
                    + "--uniform-traffic): every trace value multiplied by a seeded factor in [1-f, 1+f] (evaluation uses "
                    + "the trace as recorded). Default: ${DEFAULT-VALUE}.")
    double trafficNoise;

    @Option(names = "--uniform-traffic", defaultValue = "1", paramLabel = "SHARE",
            description = "Share of the training episodes not played on --traffic-windows that play a seeded synthetic "
                    + "trace as long as --trace, every value an integer uniform in its service's range in the trace (widened by "
                    + "--traffic-range-margin; the others: --trace "
                    + "with --traffic-noise). 1: all of them synthetic (--trace gives the range, the episode length and "
                    + "the evaluation episode); 0: --trace itself. Default: ${DEFAULT-VALUE}.")
    double uniformTraffic;

    @Option(names = "--traffic-range", defaultValue = "service", paramLabel = "service|trace",
            description = "Where a synthetic training service draws its load: service (its own column's range in "
                    + "--trace; since 2026-12-07) or trace (the whole trace's range, every column alike: the defaults "
                    + "before, which cannot train services of different load scales). Default: ${DEFAULT-VALUE}.")
    String trafficRange;

    @Option(names = "--traffic-range-margin", paramLabel = "M",
            description = "Widen each synthetic service's range (see --traffic-range) at each end by this share of its "
                    + "width, not below 0 users, in [0, 1], so that the policy also learns loads a little beyond the "
                    + "recorded ones. The model records the widened range. Default: 0.1 for afterstate (chosen on "
                    + "validation traffic, docs/benchmarks.md), 0 for the others.")
    Double trafficRangeMarginOption;

    @Option(names = "--traffic-range-jitter", paramLabel = "J",
            description = "Each service of a synthetic training trace plays its own sub-range of its range in --trace per "
                    + "episode, leaving out up to this share of it (in [0, 1)), so that episodes differ in the load's "
                    + "mean and spread (for --afterstate-traffic-features). Default: 0.7 for afterstate, 0 for the "
                    + "others.")
    Double trafficRangeJitterOption;

    @Option(names = "--traffic-plain-share", defaultValue = "0", paramLabel = "S",
            description = "Share of the synthetic training traces drawn plain: every value "
                    + "independent and uniform in its service's whole range in --trace, without --traffic-persistence or "
                    + "--traffic-range-jitter, in [0, 1]. Default: ${DEFAULT-VALUE}.")
    double trafficPlainShare;

    @Option(names = "--traffic-windows", paramLabel = "FILE|none",
            description = "Recorded traffic (a CSV with every service's column, at least as long as --trace) of which "
                    + "--traffic-windows-share of the training episodes play a whole window, as long as --trace, "
                    + "starting at a seeded row; none: no recorded windows. Default, for afterstate when every service "
                    + "is one of its columns (house, senti, numbr: the paper's services): three July 1995 weeks of the NASA web server, scaled to "
                    + "1..100 (" + BUNDLED_WINDOWS_NAME + ", bundled; datasets/PROVENANCE.md); none otherwise.")
    String trafficWindows;

    /** The default recorded traffic's file name, in datasets/nasa/ and bundled in the jar. */
    static final String BUNDLED_WINDOWS_NAME = "nasa-http-1995-jul-scaled100.csv";

    @Option(names = "--traffic-windows-share", paramLabel = "SHARE",
            description = "Share of training episodes played on a window of --traffic-windows, in (0, 1]; the others "
                    + "are drawn as --uniform-traffic says. Default: 0.5 with recorded windows.")
    Double trafficWindowsShare;

    @Option(names = "--traffic-persistence", defaultValue = "0.8", paramLabel = "P",
            description = "Autocorrelation of the synthetic traces: each service keeps its previous value (+-10 %%) with a "
                    + "probability drawn per episode in [0, P], else draws a fresh uniform one (0: independent "
                    + "values). Default: ${DEFAULT-VALUE}.")
    double trafficPersistence;

    @Option(names = "--eval-trace", split = ",", paramLabel = "FILE",
            description = "Held-out validation trace(s): best.zip is then the policy with the highest summed "
                    + "deterministic return on them (not on --trace). Default: none.")
    List<Path> evalTraces = new ArrayList<>();

    @Option(names = "--eval-rows", split = ",", paramLabel = "FROM:TO",
            description = "Windows (rows FROM inclusive to TO exclusive) of every --eval-trace, each one validation "
                    + "episode, e.g. 600:800,2040:2240. Default: the whole trace.")
    List<String> evalRows = new ArrayList<>();

    @Option(names = "--eval-synthetic", defaultValue = "0", paramLabel = "N",
            description = "Add N held-out synthetic validation traces (each service uniform in its range in --trace, with "
                    + "--traffic-persistence; drawn from a seed stream separate from training's) for choosing best.zip. "
                    + "Default: ${DEFAULT-VALUE}.")
    int evalSynthetic;


    @Option(names = "--observation", defaultValue = "paper", paramLabel = "paper|full",
            description = "What the policy sees: paper (the published nine numbers) or full (the whole decision state: "
                    + "previous configuration, pods, held cores, each configuration's requested cores, headroom; "
                    + "recorded in the model, which then refuses an environment of the other kind). Default: ${DEFAULT-VALUE}.")
    String observation;

    @Option(names = "--dynamics", defaultValue = "paper", paramLabel = "paper|cluster",
            description = "paper: the paper's decision model (default). cluster: the cluster-faithful model "
                    + "(docs/cluster-dynamics.md; its parameters are the profile's cluster: keys); --algo trpo or ppo "
                    + "only, no imitation.")
    String dynamics;

    @Option(names = "--min-scale", defaultValue = "decision", paramLabel = "decision|none|paper",
            description = "With --dynamics cluster: decision sets min-scale = initial-scale = the pods of the "
                    + "forecast (every change is a revision); none leaves scaling to the KPA and only the configuration "
                    + "is chosen; paper sets the paper model's pod counts and shows its bookkeeping (the live agent's "
                    + "default). Each is the live agent's apply.minScale of that name. Default: ${DEFAULT-VALUE}.")
    String minScale;

    @Option(names = "--predictor", defaultValue = "last-value", paramLabel = "NAME",
            description = "With --dynamics cluster: the forecast the policy sees (actual, last-value, moving-average, "
                    + "holt). Default: ${DEFAULT-VALUE}.")
    String predictor;

    @Option(names = "--reward", defaultValue = "paper", paramLabel = "paper|slo-cores",
            description = "With --dynamics cluster: the reward. Default: ${DEFAULT-VALUE}.")
    String reward;

    @Option(names = "--imitate", defaultValue = "greedy", paramLabel = "greedy|lookahead-K",
            description = "The planner the policy first learns to imitate (behaviour cloning with DAgger, for --imitation-steps "
                    + "steps) before reinforcement learning; lookahead-K sees K periods of the training episode's traffic, "
                    + "the policy never does. Default: ${DEFAULT-VALUE}.")
    String imitate;

    @Option(names = "--imitation-steps", defaultValue = "0", paramLabel = "STEPS",
            description = "Environment steps of imitation, part of --timesteps (0: none). Default: ${DEFAULT-VALUE}.")
    long imitationSteps;

    @Option(names = "--imitation-epochs", defaultValue = "4", paramLabel = "N",
            description = "Imitation: actor passes per rollout, on minibatches drawn from every state labelled so far. "
                    + "Default: ${DEFAULT-VALUE}.")
    int imitationEpochs;

    @Option(names = "--imitation-batch", defaultValue = "256", paramLabel = "N",
            description = "Imitation: minibatch size. Default: ${DEFAULT-VALUE}.")
    int imitationBatch;

    @Option(names = "--imitation-lr", defaultValue = "1e-3", paramLabel = "LR",
            description = "Imitation: the actor's Adam learning rate. Default: ${DEFAULT-VALUE}.")
    double imitationLr;

    @Option(names = "--hidden", split = ",", paramLabel = "SIZES",
            description = "Hidden layer sizes (tanh) of actor and critic, or of the afterstate value network. "
                    + "Default: 128,128; 64,64 for --algo afterstate.")
    int[] hidden;

    @Option(names = "--afterstate-candidates", defaultValue = "4", paramLabel = "K",
            description = "afterstate: joint actions searched per decision, the best K by immediate reward. "
                    + "Default: ${DEFAULT-VALUE}.")
    int afterstateCandidates;

    @Option(names = "--afterstate-margin", defaultValue = "0.4", paramLabel = "M",
            description = "afterstate: when acting (evaluation, the saved model, the agent), another candidate replaces "
                    + "the best by immediate reward only if its score (reward x --reward-scale + discounted value) is "
                    + "higher by more than M; training episodes act without it. Default: ${DEFAULT-VALUE}.")
    double afterstateMargin;

    @Option(names = "--afterstate-lookahead-samples", defaultValue = "64", paramLabel = "N",
            description = "afterstate: the saved policy looks two steps ahead over N samples of the next period's "
                    + "traffic when it is given their distribution (drl evaluate: the one expected-2 uses; the agent: its "
                    + "history); 0: one step only. The learning curve acts in one step, and so does training unless "
                    + "--afterstate-two-step-from. "
                    + "Default: ${DEFAULT-VALUE}.")
    int lookaheadSamples;

    @Option(names = "--afterstate-lookahead-candidates", defaultValue = "16", paramLabel = "C",
            description = "afterstate: first decisions looked ahead from, the best C by immediate reward (1 to 64). "
                    + "Default: ${DEFAULT-VALUE}.")
    int lookaheadCandidates;

    @Option(names = "--afterstate-lookahead-value-weight", defaultValue = "0.4", paramLabel = "W",
            description = "afterstate: weight of the learnt value after the second decision, in [0, 1] (0: the "
                    + "expected-2 planner). Default: ${DEFAULT-VALUE}.")
    double lookaheadValueWeight;

    @Option(names = "--afterstate-lookahead-confidence", defaultValue = "1", paramLabel = "K",
            description = "afterstate: with two steps, another first decision replaces the best by immediate reward "
                    + "only when its mean advantage over the traffic samples less K standard errors is positive; 0: the "
                    + "highest mean wins. Default: ${DEFAULT-VALUE}.")
    double lookaheadConfidence;

    @Option(names = "--afterstate-lookahead-anchor-confidence", defaultValue = "0.5", paramLabel = "K",
            description = "afterstate: with two steps and a confidence, K > 0 makes the reference the first decision "
                    + "the same search without the value takes (expected-2's, with confidence K against greedy's), so "
                    + "that the value changes the planner's decision only where the samples clearly say it gains; 0: "
                    + "greedy's decision is the reference. Default: ${DEFAULT-VALUE}.")
    double lookaheadAnchorConfidence;

    @Option(names = "--afterstate-average-from", defaultValue = "0", paramLabel = "STEPS",
            description = "afterstate: if > 0, the saved and evaluated policy uses the value network's weights averaged "
                    + "over the iterations from STEPS steps on. Default: ${DEFAULT-VALUE}.")
    long afterstateAverageFrom;

    @Option(names = "--afterstate-two-step-from", defaultValue = "0", paramLabel = "STEPS",
            description = "afterstate: if > 0, from STEPS steps on the training episodes act (when not exploring) by the "
                    + "two-step search the saved policy runs, cut down to at most 4 first decisions x 8 draws of the "
                    + "episode's AR(1) traffic (its confidence counting standard errors of those 8), so that the value "
                    + "learns the returns of the search it serves; needs "
                    + "--afterstate-lookahead-samples > 0. Default: ${DEFAULT-VALUE} (one step throughout).")
    long afterstateTwoStepFrom;

    @Option(names = "--afterstate-ensemble", defaultValue = "1", paramLabel = "K",
            description = "afterstate: learn K value networks side by side (each from its own initial weights, on the "
                    + "same afterstates and targets) and act by the mean of their values, in training and in the saved "
                    + "model (one network whose hidden layers are K times as wide); K times the value's cost per "
                    + "decision. Not with --afterstate-average-from. Default: ${DEFAULT-VALUE}.")
    int afterstateEnsemble;

    @Option(names = "--afterstate-ensemble-own-episodes", negatable = true, defaultValue = "false",
            fallbackValue = "true",
            description = "afterstate, with --afterstate-ensemble K > 1: each network plays its own training episodes "
                    + "(its own random streams, acting by its own value) and learns from them alone, as K separately "
                    + "trained networks would (the normaliser's statistics over all of them); the saved model still "
                    + "acts by the mean. K times the episodes. Default: ${DEFAULT-VALUE} (one group of episodes acting "
                    + "by the mean).")
    boolean afterstateEnsembleOwnEpisodes;

    @Option(names = "--afterstate-sibling-targets", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "afterstate: every candidate of a training decision that was not taken also learns a target: "
                    + "the best one-step score after it under the same next period's load (as the taken one's), so "
                    + "the value learns the differences between the afterstates its search compares (chosen on "
                    + "validation traffic, docs/benchmarks.md; --no-afterstate-sibling-targets: the taken afterstates "
                    + "alone, the default before 2026-12-06, night). Default: ${DEFAULT-VALUE}.")
    boolean afterstateSiblingTargets;

    @Option(names = "--afterstate-traffic-features", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "afterstate: the value also reads the traffic's statistics per service (lag-1 "
                    + "autocorrelation, mean, standard deviation: in training of the episode's trace, in drl evaluate of "
                    + "the played trace or --traffic-history, in the agent of its recorded load). Default: "
                    + "${DEFAULT-VALUE}.")
    boolean afterstateTrafficFeatures;

    @Option(names = "--afterstate-lambda", defaultValue = "0", paramLabel = "L",
            description = "afterstate: TD(lambda) mixing of bootstrapped values and returns. Default: ${DEFAULT-VALUE}.")
    double afterstateLambda;

    @Option(names = "--afterstate-epsilon", defaultValue = "0.05", paramLabel = "P",
            description = "afterstate: exploration probability at the start (a uniformly chosen candidate instead of "
                    + "the best), decreasing linearly to --afterstate-epsilon-final. Default: ${DEFAULT-VALUE}.")
    double afterstateEpsilon;

    @Option(names = "--afterstate-epsilon-final", defaultValue = "0", paramLabel = "P",
            description = "afterstate: exploration probability at the end. Default: ${DEFAULT-VALUE}.")
    double afterstateEpsilonFinal;

    @Option(names = "--afterstate-epochs", defaultValue = "4", paramLabel = "N",
            description = "afterstate: passes of the value network over each iteration's afterstates. "
                    + "Default: ${DEFAULT-VALUE}.")
    int afterstateEpochs;

    @Option(names = "--afterstate-lr", defaultValue = "1e-3", paramLabel = "LR",
            description = "afterstate: Adam learning rate of the value network (minibatches of 256). "
                    + "Default: ${DEFAULT-VALUE}.")
    double afterstateLr;

    @Option(names = "--gamma", defaultValue = "0.8", description = "Discount (0.99 = published). Default: ${DEFAULT-VALUE}.")
    double gamma;





    @Option(names = "--published", description = "The published setting: --envs 1 --n-steps 200 --no-normalize-obs --reward-scale 1 "
            + "--uniform-traffic 0 --traffic-noise 0 --traffic-persistence 0 --gamma 0.99 --fisher-fraction 1 --target-kl 0.01 "
            + "--critic-epochs 10 --critic-batch 128, the published TRPO settings (any of these given too, --algo included, "
            + "are overridden, with a note saying which), for the published run's 853,000 steps unless --timesteps says otherwise.")
    boolean published;

    @Option(names = "--eval-every", defaultValue = "5", description = "Iterations between deterministic evaluations. Default: ${DEFAULT-VALUE}.")
    int evalEvery;

    @Option(names = "--stop-at", paramLabel = "RETURN", description = "Stop once the deterministic evaluation return reaches this.")
    Double stopAt;

    @Option(names = "--checkpoint-every", defaultValue = "0", paramLabel = "STEPS",
            description = "Also save the policy every STEPS environment steps to DIR/checkpoints/step-N.zip (0: never). "
                    + "Default: ${DEFAULT-VALUE}.")
    long checkpointEvery;

    @Option(names = "--average-from", defaultValue = "0", paramLabel = "STEPS",
            description = "Also save DIR/average.zip: the policy with its weights averaged over the updates from STEPS "
                    + "environment steps on (0: no). Default: ${DEFAULT-VALUE}.")
    long averageFrom;




    /** TRPO's settings (--algo trpo), defaults as documented; --published replaces them by the published ones. */
    @ArgGroup(validate = false, heading = "%nTRPO (--algo trpo):%n")
    TrpoOptions trpo = new TrpoOptions();

    /** PPO's settings (--algo ppo). */
    @ArgGroup(validate = false, heading = "%nPPO (--algo ppo):%n")
    PpoOptions ppo = new PpoOptions();

    static final class TrpoOptions {
        @Option(names = "--fisher-fraction", defaultValue = "0.5", paramLabel = "FRACTION",
                description = "TRPO: share of each batch (a seeded random subset) used for Fisher-vector products (1 = published). "
                        + "Default: ${DEFAULT-VALUE}.")
        double fisherFraction;

        @Option(names = "--target-kl", defaultValue = "0.02", paramLabel = "KL",
                description = "TRPO trust-region size in mean KL (0.01 = published). Default: ${DEFAULT-VALUE}.")
        double targetKl;

        @Option(names = "--target-kl-final", paramLabel = "KL",
                description = "TRPO trust-region size at the end of training, reached linearly from --target-kl "
                        + "(default: --target-kl throughout, as published).")
        Double targetKlFinal;

        @Option(names = "--critic-epochs", defaultValue = "5", description = "TRPO critic passes per rollout (10 = published). Default: ${DEFAULT-VALUE}.")
        int criticEpochs;

        @Option(names = "--critic-batch", defaultValue = "256", description = "TRPO critic minibatch size (128 = published). Default: ${DEFAULT-VALUE}.")
        int criticBatch;

        Trpo.Config config() {
            // named here as typed; the Config's own checks name its fields
            if (!(fisherFraction > 0 && fisherFraction <= 1)) {
                throw new IllegalArgumentException("--fisher-fraction " + fisherFraction + ": expected a number > 0 "
                        + "and <= 1");
            }
            EnvOptions.requirePositive("--target-kl", targetKl);
            if (targetKlFinal != null) {
                EnvOptions.requirePositive("--target-kl-final", targetKlFinal);
            }
            EnvOptions.requireAtLeast("--critic-epochs", criticEpochs, 0);
            EnvOptions.requireAtLeast("--critic-batch", criticBatch, 1);
            return Trpo.Config.published().withFisherFraction(fisherFraction)
                    .withTargetKl(targetKl, targetKlFinal == null ? targetKl : targetKlFinal)
                    .withCritic(criticEpochs, criticBatch);
        }
    }

    static final class PpoOptions {
        @Option(names = "--ppo-epochs", defaultValue = "5", description = "PPO: passes over each rollout (stable-baselines3: 10). "
                + "Default: ${DEFAULT-VALUE}.")
        int ppoEpochs;

        @Option(names = "--ppo-batch", defaultValue = "256", description = "PPO: minibatch size of the actor's and the critic's "
                + "Adam steps (stable-baselines3: 64). Default: ${DEFAULT-VALUE}.")
        int ppoBatch;

        @Option(names = "--ppo-lr", defaultValue = "3e-4", description = "PPO: Adam learning rate of actor and critic. "
                + "Default: ${DEFAULT-VALUE}.")
        double ppoLr;

        Ppo.Config config() {
            // named here as typed; the Config's own checks name its fields
            EnvOptions.requireAtLeast("--ppo-epochs", ppoEpochs, 1);
            EnvOptions.requireAtLeast("--ppo-batch", ppoBatch, 1);
            EnvOptions.requirePositive("--ppo-lr", ppoLr);
            return Ppo.Config.defaults().with(ppoLr, ppoEpochs, ppoBatch);
        }
    }

    @Option(names = "--precision", defaultValue = "float", paramLabel = "float|double",
            description = "The networks' floating-point type during training (the saved policy is double either way): "
                    + "float is about twice as fast; double computes what DL4J's double-precision networks compute to "
                    + "the last digits. Default: ${DEFAULT-VALUE}.")
    String precision;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--overwrite", description = "Replace the run already in --out (its model, best model, metrics, "
            + "learning curve and checkpoints), once every option and input is accepted: it is kept in "
            + "--out/" + PreviousRun.DIR + " until the new run has written its files, then deleted, and restored if "
            + "the new run fails (after an interruption it stays there). Without it, an --out that holds any of them "
            + "is refused.")
    boolean overwrite;

    /** A training trace of fewer rows is noted. */
    static final int SHORT_TRACE = 10;

    /** What a run writes in --out: one of them there means a run is there. */
    static final List<String> RUN_FILES = List.of("model.zip", "best.zip", "average.zip", "metrics.csv",
            "learning-curve.png", "rl4j-dqn.zip");

    @Spec
    CommandSpec spec;

    /**
     * The files of a run already in {@code out} ({@link #RUN_FILES}); refused, naming them, unless {@code overwrite};
     * an {@code out} that is a file is refused first.
     */
    static List<String> earlierRun(Path out, boolean overwrite) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + ": is a file (expected a directory to write the run in)");
        }
        List<String> earlier = RUN_FILES.stream().filter(f -> Files.exists(out.resolve(f))).toList();
        if ((!earlier.isEmpty() || PreviousRun.waiting(out)) && !overwrite) {
            List<String> held = new java.util.ArrayList<>();
            if (!earlier.isEmpty()) {
                held.add(String.join(", ", earlier));
            }
            if (PreviousRun.waiting(out)) {
                held.add("the last finished run is in " + out.resolve(PreviousRun.DIR) + ", set aside by an "
                        + "--overwrite that did not finish");
            }
            throw new IllegalArgumentException("--out " + out + " already holds a run (" + String.join("; ", held)
                    + "): pass --overwrite to replace it, or another --out");
        }
        return earlier;
    }

    @Override
    public Integer call() throws java.io.IOException {
        requireCounts();
        List<String> earlier = earlierRun(out, overwrite);
        applyPublished("drl train", spec.commandLine().getErr());
        TrainingRun.ClusterDynamics cluster = acceptedDynamics();
        // every input read and accepted before anything is deleted or noted about the inputs: a profile, trace or
        // traffic file that cannot be read leaves an earlier run as it was
        checkInputs();
        // --overwrite, after every option and input was accepted: the earlier run is set aside until this one has
        // written its files, so that a run that fails or is interrupted does not lose it
        PreviousRun previous = PreviousRun.setAside(out, earlier, spec.commandLine().getErr());
        boolean done = false;
        try {
            int code = train(cluster);
            done = code == 0;
            return code;
        } finally {
            previous.finish(done);
        }
    }

    private int train(TrainingRun.ClusterDynamics cluster) throws java.io.IOException {
        noteServiceNamesTheAgentCannotWrite(spec.commandLine().getErr());
        EnvOptions.noteUnlikelyUnits(env.profile, env.model(), spec.commandLine().getErr());
        EnvOptions.noteUnusedColumns(env.trace(), env.model(), spec.commandLine().getErr());
        if (env.trace().length() < SHORT_TRACE) {
            spec.commandLine().getErr().println("note: trace " + env.trace + " has " + env.trace().length() + " row"
                    + (env.trace().length() == 1 ? "" : "s") + ": each evaluation during training is an episode of "
                    + "that few decisions, and the synthetic training traffic spans only these rows' range; record "
                    + "a longer period for a policy that has seen your traffic");
            spec.commandLine().getErr().flush();
        }
        if (Algorithms.require(algo).equals(Algorithms.RL4J_DQN)) {
            return rl4j();
        }
        if (algo.equals(Algorithms.AFTERSTATE)) {
            return afterstate();
        }
        TrainingRun.Result r = TrainingRun.run(options(), cluster, spec.commandLine().getErr());
        PrintWriter pw = spec.commandLine().getOut();
        pw.printf(Locale.ROOT, "trained %s for %,d steps in %.1f s: final deterministic return %.2f, best %.2f at %,d steps%n",
                algo, r.timesteps(), r.seconds(), r.finalEvalReturn(), r.bestEvalReturn(), r.bestTimesteps());
        if (cluster == null) { // the cluster model's admission keeps the quota, and its rewards can be negative
            noteWhenOverQuota(r.bestEvalReturn());
        }
        pw.println("wrote " + r.model() + ", " + r.best() + ", " + out.resolve("metrics.csv") + ", "
                + out.resolve("learning-curve.png") + (averageFrom > 0 ? ", " + out.resolve("average.zip") : ""));
        pw.flush();
        return 0;
    }

    /**
     * Refuses an option of another algorithm and cluster dynamics for an algorithm that does not train in them;
     * returns the cluster dynamics ({@code null}: the paper model).
     */
    TrainingRun.ClusterDynamics acceptedDynamics() {
        refuseOptionsOfAnotherAlgorithm();
        if ("paper".equals(dynamics)) {
            // the cluster model's options would be ignored: a run believed to train with them would not
            for (String o : List.of("--predictor", "--reward", "--min-scale")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
                    throw new IllegalArgumentException(o + " applies to --dynamics cluster only: "
                            + EvaluateCommand.CLUSTER_ONLY.get(o));
                }
            }
        }
        TrainingRun.ClusterDynamics cluster = clusterDynamics();
        if (cluster != null && !Algorithms.isOnPolicy(Algorithms.require(algo))) {
            throw new IllegalArgumentException("--dynamics cluster trains --algo trpo or ppo, not " + algo);
        }
        return cluster;
    }

    void requireCounts() {
        picocli.CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        EnvOptions.requireNoEmptyElements(parsed, "--eval-trace", "comma-separated file names");
        EnvOptions.requireNoEmptyElements(parsed, "--eval-rows", "comma-separated FROM:TO windows");
        if (timestepsOption != null) {
            EnvOptions.requireAtLeast("--timesteps", timestepsOption, 1);
        }
        EnvOptions.requireAtLeast("--envs", envs, 1);
        EnvOptions.requireAtLeast("--n-steps", nSteps, 1);
        EnvOptions.requireAtLeast("--eval-every", evalEvery, 1);
        EnvOptions.requireAtLeast("--eval-synthetic", evalSynthetic, 0);
        EnvOptions.requireAtLeast("--checkpoint-every", checkpointEvery, 0);
        EnvOptions.requireAtLeast("--average-from", averageFrom, 0);
    }

    /**
     * Checks {@code drl train} arguments as the command would before training, without training or writing anything:
     * the options parse, and the counts, the algorithm's options, the environment (profile, trace, read whole), the
     * training traffic, the validation traces and the algorithm's settings are accepted. How {@code drl sweep} refuses
     * a bad trial before running any.
     *
     * @throws IllegalArgumentException naming the first problem, as {@code drl train} would
     */
    static void check(List<String> args) {
        TrainCommand c = new TrainCommand();
        try {
            new CommandLine(c).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        c.requireCounts();
        if (c.published) {
            c.applyPublished();
        }
        c.acceptedDynamics();
        c.checkInputs();
    }

    /** Reads and checks the environment (profile, trace), the training traffic and the validation traces. */
    void checkInputs() {
        String name = Algorithms.require(algo);
        if (Algorithms.isOnPolicy(name)) {
            options();
        } else {
            env.model();
            env.trace();
            if (name.equals(Algorithms.RL4J_DQN)) {
                EnvOptions.requirePositive("--reward-scale", rewardScale);
                if (timesteps() > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("--timesteps " + timesteps() + ": expected at most "
                            + Integer.MAX_VALUE + " for --algo rl4j-dqn");
                }
            }
            if (name.equals(Algorithms.AFTERSTATE)) {
                afterstateConfig();
                traffic();
                validation();
            }
        }
    }

    /**
     * An option of one algorithm alone ({@code --afterstate-*}, the TRPO and the PPO group) given with another
     * {@code --algo} would be ignored: refused, named as typed; so would any option {@code rl4j-dqn} does not read
     * ({@link #RL4J_READS}; a training-traffic option, {@link #TRAFFIC_OPTIONS}, with a message of its own).
     */
    void refuseOptionsOfAnotherAlgorithm() {
        String chosen = Algorithms.require(algo);
        picocli.CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (picocli.CommandLine.Model.OptionSpec o : parsed.matchedOptions()) {
            String only = algorithmOnly(o);
            if (only != null && !only.equals(chosen)) {
                throw new IllegalArgumentException(typed(parsed, o) + " applies to --algo " + only + " only, not "
                        + algo);
            }
            if (chosen.equals(Algorithms.AFTERSTATE) && ON_POLICY_ONLY.containsKey(o.longestName())) {
                String instead = ON_POLICY_ONLY.get(o.longestName());
                throw new IllegalArgumentException(typed(parsed, o) + " applies to --algo trpo or ppo only, not "
                        + "afterstate" + (instead.isEmpty() ? "" : " (" + instead + ")"));
            }
            if (chosen.equals(Algorithms.RL4J_DQN) && !RL4J_READS.contains(o.longestName())) {
                throw new IllegalArgumentException(o.longestName() + " does not apply to --algo rl4j-dqn, which "
                        + (TRAFFIC_OPTIONS.contains(o.longestName())
                        ? "trains on --trace as recorded: expected afterstate, trpo or ppo for other training traffic"
                        : "reads only " + String.join(", ", RL4J_READS) + ": expected afterstate, trpo or ppo for "
                        + o.longestName()));
            }
        }
    }

    /** Option {@code o} named as typed: a negatable flag may have been given in its {@code --no-} form. */
    private static String typed(picocli.CommandLine.ParseResult parsed, picocli.CommandLine.Model.OptionSpec o) {
        String name = o.longestName();
        String negated = name.replaceFirst("^--", "--no-");
        return parsed.originalArgs().stream().map(a -> a.split("=", 2)[0])
                .filter(a -> a.equals(name) || a.equals(negated)).findFirst().orElse(name);
    }

    /**
     * The options of every on-policy algorithm (TRPO, PPO) that {@code --algo afterstate} does not read, each with
     * what to use instead ("" when nothing): given with it they would be ignored, so they are refused.
     */
    static final java.util.Map<String, String> ON_POLICY_ONLY = onPolicyOnly();

    private static java.util.Map<String, String> onPolicyOnly() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("--n-steps", "its episodes are --envs episodes of the trace's length");
        m.put("--normalize-obs", "its value network's inputs are always normalised");
        m.put("--observation", "its value network reads the afterstate, the whole decision state");
        m.put("--imitate", "");
        m.put("--imitation-steps", "");
        m.put("--imitation-epochs", "");
        m.put("--imitation-batch", "");
        m.put("--imitation-lr", "");
        m.put("--stop-at", "");
        m.put("--checkpoint-every", "");
        m.put("--average-from", "for its value network: --afterstate-average-from");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The one algorithm option {@code o} applies to, or {@code null} when it is not one algorithm's alone. */
    static String algorithmOnly(picocli.CommandLine.Model.OptionSpec o) {
        if (o.longestName().startsWith("--afterstate-")) {
            return Algorithms.AFTERSTATE;
        }
        if (o.group() != null) {
            Class<?> group = o.group().typeInfo().getType();
            if (group == TrpoOptions.class) {
                return Algorithms.TRPO;
            }
            if (group == PpoOptions.class) {
                return Algorithms.PPO;
            }
        }
        return null;
    }

    /** {@code --dynamics cluster}'s settings, or {@code null} for the paper model. */
    TrainingRun.ClusterDynamics clusterDynamics() {
        if ("paper".equals(dynamics)) {
            return null;
        }
        if (!"cluster".equals(dynamics)) {
            throw new IllegalArgumentException("--dynamics '" + dynamics + "' is not one of paper, cluster");
        }
        dev.kdrl.env.cluster.ClusterEnv.MinScale m = ClusterEvaluation.minScale(minScale);
        return new TrainingRun.ClusterDynamics(dev.kdrl.env.profile.Profiles.clusterParams(env.profile), m,
                ClusterEvaluation.reward(reward), predictor);
    }

    /** The run these options describe (after {@code --published}, if given, has been applied). */
    TrainingRun.Options options() {
        String name = Algorithms.require(algo);
        if (!Algorithms.isOnPolicy(name)) {
            throw new IllegalArgumentException("--algo " + name + " is not trained by TrainingRun");
        }
        requireHidden(1);
        AlgorithmConfig config = name.equals(Algorithms.TRPO) ? trpo.config() : ppo.config();
        // named here as typed; Common's own checks name its fields
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("--gamma " + gamma + ": expected a number > 0 and <= 1");
        }
        EnvOptions.requirePositive("--reward-scale", rewardScale);
        OnPolicyAlgorithm.Common common = new OnPolicyAlgorithm.Common(nSteps, gamma, 0.95, true, normalizeObs,
                rewardScale, hidden == null ? new int[] {128, 128} : hidden, seed, precision());
        return new TrainingRun.Options(env.profile, env.model(), env.trace(), observationKind(), config, common,
                traffic(), envs, timesteps(), evalEvery,
                stopAt == null ? Double.NaN : stopAt, validation(), checkpointEvery, imitation(), averageFrom, out);
    }

    private TrainingRun.Imitation imitation() {
        // named here as typed; the Imitation's own checks name its fields
        EnvOptions.requireAtLeast("--imitation-steps", imitationSteps, 0);
        EnvOptions.requireAtLeast("--imitation-epochs", imitationEpochs, 1);
        EnvOptions.requireAtLeast("--imitation-batch", imitationBatch, 1);
        EnvOptions.requirePositive("--imitation-lr", imitationLr);
        TrainingRun.Imitation imitation;
        try {
            imitation = new TrainingRun.Imitation(imitate, imitationSteps, imitationEpochs, imitationBatch, imitationLr);
        } catch (IllegalArgumentException e) { // the teacher, the one value not checked above
            throw new IllegalArgumentException("--imitate '" + dev.kdrl.core.io.Printable.escape(imitate, 80) + "' is not greedy or lookahead-K with K from 2 "
                    + "to 99", e);
        }
        // after the values are checked: a bad one is named as bad first
        String unread = imitationSteps == 0
                ? firstTyped(List.of("--imitate", "--imitation-epochs", "--imitation-batch", "--imitation-lr")) : null;
        if (unread != null) {
            throw new IllegalArgumentException(typedWithValue(unread) + " sets the imitation before reinforcement "
                    + "learning, and " + (published ? "--published trains without imitation: leave it out"
                    : "--imitation-steps is 0 (none): give --imitation-steps above 0"));
        }
        return imitation;
    }

    private dev.kdrl.env.quota.Observation observationKind() {
        try {
            return dev.kdrl.env.quota.Observation.parse(observation);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--observation '" + dev.kdrl.core.io.Printable.escape(observation, 80) + "' is not one of "
                    + String.join(", ", java.util.Arrays.stream(dev.kdrl.env.quota.Observation.values())
                    .map(dev.kdrl.env.quota.Observation::label).toList()), e);
        }
    }

    private org.nd4j.linalg.api.buffer.DataType precision() {
        return switch (precision) {
            case "float" -> org.nd4j.linalg.api.buffer.DataType.FLOAT;
            case "double" -> org.nd4j.linalg.api.buffer.DataType.DOUBLE;
            default -> throw new IllegalArgumentException("--precision must be float or double, got '" + precision + "'");
        };
    }

    /** The options --published sets, with the published values. */
    static final java.util.Map<String, String> PUBLISHED = publishedSetting();

    private static java.util.Map<String, String> publishedSetting() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("--algo", "trpo");
        m.put("--envs", "1");
        m.put("--n-steps", "200");
        m.put("--normalize-obs", "false");
        m.put("--reward-scale", "1");
        m.put("--traffic-noise", "0");
        m.put("--uniform-traffic", "0");
        m.put("--traffic-persistence", "0");
        m.put("--traffic-range-jitter", "0");
        m.put("--traffic-windows", "none");
        m.put("--traffic-windows-share", "(none)");
        m.put("--gamma", "0.99");
        m.put("--fisher-fraction", "1");
        m.put("--target-kl", "0.01");
        m.put("--target-kl-final", "(none)");
        m.put("--critic-epochs", "10");
        m.put("--critic-batch", "128");
        m.put("--observation", "paper");
        m.put("--imitation-steps", "0");
        m.put("--hidden", "128,128");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** With {@code --published}, {@link #applyPublished()}, saying on {@code err} as {@code command} what it overrode. */
    void applyPublished(String command, PrintWriter err) {
        if (!published) {
            return;
        }
        List<String> overridden = applyPublished();
        if (!overridden.isEmpty()) {
            err.println(command + ": --published overrides " + String.join(", ", overridden));
            err.flush();
        }
    }

    /**
     * The published agent's setting, replacing whatever else was given (--published).
     *
     * @return one note per option the user gave that this overrides, e.g. {@code --gamma 0.5 -> 0.99}
     */
    List<String> applyPublished() {
        List<String> overridden = new ArrayList<>();
        picocli.CommandLine.ParseResult parsed = spec == null ? null : spec.commandLine().getParseResult();
        if (parsed != null) {
            for (var e : PUBLISHED.entrySet()) {
                String given = given(parsed, e.getKey());
                if (given != null) {
                    overridden.add(e.getKey() + " " + given + " -> " + e.getValue());
                }
            }
        }
        algo = Algorithms.TRPO;
        envs = 1;
        nSteps = 200;
        normalizeObs = false;
        rewardScale = 1;
        trafficNoise = 0;
        uniformTraffic = 0;
        trafficPersistence = 0;
        trafficRangeJitterOption = 0.0;
        trafficWindows = "none";
        trafficWindowsShare = null;
        trpo.fisherFraction = 1;
        trpo.targetKl = 0.01;
        trpo.targetKlFinal = null;
        gamma = 0.99;
        trpo.criticEpochs = 10;
        trpo.criticBatch = 128;
        observation = "paper";
        imitationSteps = 0;
        hidden = new int[] {128, 128};
        return overridden;
    }

    /** What the user gave for {@code option} (the negated form of a boolean counts), or null. */
    private static String given(picocli.CommandLine.ParseResult parsed, String option) {
        if (parsed.hasMatchedOption(option)) {
            return String.valueOf((Object) parsed.matchedOptionValue(option, null));
        }
        String negated = option.replaceFirst("^--", "--no-");
        return parsed.hasMatchedOption(negated) ? negated : null;
    }

    /** The validation episodes: every --eval-rows window of every --eval-trace. */
    private List<Trace> validation() {
        if (evalTraces.isEmpty() && !evalRows.isEmpty()) {
            throw new IllegalArgumentException("--eval-rows needs --eval-trace");
        }
        List<Trace> out = new ArrayList<>();
        if (evalSynthetic > 0) {
            var gen = new dev.kdrl.train.run.MixedTraces(env.model(), env.trace(), 0, 1, trafficPersistence);
            dev.kdrl.core.rng.Rng seeds = dev.kdrl.core.rng.Rng.of(seed ^ 0x5EED_7A11_DA7AL);
            for (int i = 0; i < evalSynthetic; i++) {
                out.add(gen.sample(seeds.nextSeed()));
            }
        }
        for (Path f : evalTraces) {
            Trace t = EnvOptions.trace("--eval-trace", f, "");
            if (evalRows.isEmpty()) {
                out.add(t);
            }
            for (String r : evalRows) {
                out.add(EvaluateCommand.slice(t, r, "--eval-rows"));
            }
        }
        return out;
    }

    /** The published agent's training length (steps), {@code --published}'s default. */
    static final long PUBLISHED_TIMESTEPS = 853_000;

    /**
     * Environment steps: {@code --timesteps}, else the published run's length with {@code --published}, else the
     * algorithm's default (320,000 for afterstate, 300,000 else).
     */
    long timesteps() {
        if (timestepsOption != null) {
            return timestepsOption;
        }
        if (published) {
            return PUBLISHED_TIMESTEPS;
        }
        return Algorithms.AFTERSTATE.equals(algo) ? 320_000 : 300_000;
    }

    /** The most value networks {@code --afterstate-ensemble} learns side by side. */
    static final int MAX_ENSEMBLE = 16;
    /** The widest hidden layer trained (an ensemble's layers are K times {@code --hidden}'s), and the most layers. */
    static final int MAX_WIDTH = 1024;
    static final int MAX_LAYERS = 8;

    /**
     * Refuses {@code --hidden} sizes out of range: at most {@link #MAX_LAYERS} layers, each from 1 to {@link #MAX_WIDTH}
     * units once times {@code ensemble} (the networks learnt side by side, widened into one).
     */
    private void requireHidden(int ensemble) {
        if (hidden == null) {
            return;
        }
        String typed = String.join(",", java.util.Arrays.stream(hidden).mapToObj(Integer::toString).toList());
        if (hidden.length > MAX_LAYERS) {
            throw new IllegalArgumentException("--hidden " + typed + ": " + hidden.length + " layers (expected at most "
                    + MAX_LAYERS + ")");
        }
        for (int h : hidden) {
            if (h < 1 || (long) h * ensemble > MAX_WIDTH) {
                throw new IllegalArgumentException("--hidden " + typed + ": a layer of " + h + " units (expected 1 to "
                        + (MAX_WIDTH / ensemble) + (ensemble > 1 ? ", so that the " + ensemble + " networks of "
                        + "--afterstate-ensemble make layers of at most " + MAX_WIDTH + ")" : ")"));
            }
        }
    }

    /** The afterstate learner's settings from the options. */
    dev.kdrl.train.algo.AfterstateTd.Config afterstateConfig() {
        // named here as typed; the Config's own checks name its fields
        if (!(gamma >= 0 && gamma < 1)) {
            throw new IllegalArgumentException("--gamma " + gamma + ": expected a number >= 0 and < 1");
        }
        EnvOptions.requireProbability("--afterstate-lambda", afterstateLambda);
        EnvOptions.requireProbability("--afterstate-epsilon", afterstateEpsilon);
        EnvOptions.requireProbability("--afterstate-epsilon-final", afterstateEpsilonFinal);
        EnvOptions.requireAtLeast("--afterstate-candidates", afterstateCandidates, 1);
        if (afterstateCandidates > dev.kdrl.env.value.AfterstatePolicy.Lookahead.MAX_CANDIDATES) {
            throw new IllegalArgumentException("--afterstate-candidates " + afterstateCandidates + ": expected a whole "
                    + "number from 1 to " + dev.kdrl.env.value.AfterstatePolicy.Lookahead.MAX_CANDIDATES + " (joint actions searched per "
                    + "decision)");
        }
        EnvOptions.requireAtLeast("--afterstate-epochs", afterstateEpochs, 1);
        EnvOptions.requirePositive("--afterstate-lr", afterstateLr);
        EnvOptions.requirePositive("--reward-scale", rewardScale);
        if (!(afterstateMargin >= 0) || Double.isInfinite(afterstateMargin)) {
            throw new IllegalArgumentException("--afterstate-margin " + afterstateMargin + ": expected a finite number "
                    + ">= 0");
        }
        if (afterstateTwoStepFrom < 0) {
            throw new IllegalArgumentException("--afterstate-two-step-from must be >= 0 (0: one step throughout), got "
                    + afterstateTwoStepFrom);
        }
        if (afterstateEnsemble < 1 || afterstateEnsemble > MAX_ENSEMBLE) {
            throw new IllegalArgumentException("--afterstate-ensemble " + afterstateEnsemble + ": expected a whole "
                    + "number from 1 to " + MAX_ENSEMBLE + " value networks");
        }
        requireHidden(afterstateEnsemble);
        if (afterstateEnsembleOwnEpisodes && afterstateEnsemble == 1) {
            throw new IllegalArgumentException("--afterstate-ensemble-own-episodes needs --afterstate-ensemble K with "
                    + "K > 1, got K = 1");
        }
        EnvOptions.requireAtLeast("--afterstate-average-from", afterstateAverageFrom, 0);
        if (afterstateEnsemble > 1 && afterstateAverageFrom > 0) {
            throw new IllegalArgumentException("--afterstate-ensemble " + afterstateEnsemble + " cannot be combined "
                    + "with --afterstate-average-from " + afterstateAverageFrom + ": use one or the other");
        }
        if (afterstateTwoStepFrom > 0 && lookahead() == null) {
            throw new IllegalArgumentException("--afterstate-two-step-from " + afterstateTwoStepFrom + " needs a policy "
                    + "that looks two steps ahead, but --afterstate-lookahead-samples is 0");
        }
        return new dev.kdrl.train.algo.AfterstateTd.Config(gamma, afterstateLambda, afterstateCandidates,
                afterstateMargin, afterstateEpsilon, afterstateEpsilonFinal, afterstateEpochs, 256, afterstateLr, rewardScale,
                hidden == null ? new int[] {64, 64} : hidden, afterstateAverageFrom, seed,
                precision(), lookahead(), afterstateTrafficFeatures, afterstateTwoStepFrom, afterstateSiblingTargets,
                afterstateEnsemble, afterstateEnsembleOwnEpisodes);
    }

    /** How the training episodes' traffic is drawn, from the options. */
    TrainingRun.Traffic traffic() {
        if (!(trafficNoise >= 0 && trafficNoise < 1)) {
            throw new IllegalArgumentException("--traffic-noise " + EnvOptions.plain(trafficNoise) + " is not in [0, 1): expected "
                    + "the fraction by which each value of an episode played on --trace may move");
        }
        if (!(uniformTraffic >= 0 && uniformTraffic <= 1)) {
            throw new IllegalArgumentException("--uniform-traffic " + EnvOptions.plain(uniformTraffic) + " is not in [0, 1]: "
                    + "expected the share of the training episodes (not on recorded windows) that are synthetic");
        }
        double jitter = trafficRangeJitter();
        if (!"service".equals(trafficRange) && !"trace".equals(trafficRange)) {
            throw new IllegalArgumentException("--traffic-range '" + trafficRange + "': expected service or trace");
        }
        boolean perService = "service".equals(trafficRange);
        double margin = trafficRangeMarginOption != null ? trafficRangeMarginOption : 0;
        requireSyntheticShare("--traffic-range-margin", margin,
                "the share of its width by which each synthetic service's range is widened at each end");
        requireSyntheticShare("--traffic-plain-share", trafficPlainShare,
                "the share of the synthetic training traces drawn independent and uniform in --trace's range");
        if (trafficWindowsShare != null && !(trafficWindowsShare > 0 && trafficWindowsShare <= 1)) {
            throw new IllegalArgumentException("--traffic-windows-share " + EnvOptions.plain(trafficWindowsShare) + " is not in "
                    + "(0, 1]: expected the share of training episodes played on recorded windows (--traffic-windows "
                    + "none for none)");
        }
        Trace windows = trafficWindowsTrace();
        boolean windowsOnly = windows != null && trafficWindowsShare != null && trafficWindowsShare == 1;
        TrainingRun.Traffic traffic = traffic(windows, windowsOnly, margin, jitter, perService);
        // after the values are checked: a bad one is named as bad first
        refuseTrafficOptionsWithoutEffect(windowsOnly);
        return traffic;
    }

    /**
     * {@link #traffic()}'s record, given the recorded windows ({@code null}: none), whether every episode plays one,
     * and the values read.
     */
    private TrainingRun.Traffic traffic(Trace windows, boolean windowsOnly, double margin, double jitter,
                                        boolean perService) {
        if (windows == null) {
            if (trafficWindowsShare != null) {
                throw new IllegalArgumentException("--traffic-windows-share " + EnvOptions.plain(trafficWindowsShare)
                        + " needs recorded traffic whose windows those episodes play, and there is none ("
                        + (trafficWindows != null ? "--traffic-windows none"
                                : "the default for " + algo + " with these services") + "): give --traffic-windows FILE");
            }
            return new TrainingRun.Traffic(trafficNoise, uniformTraffic, trafficPersistence, jitter, null, 0,
                    trafficPlainShare, perService, trafficRangeMargin(margin, false));
        }
        if (windowsOnly && (margin > 0 || trafficPlainShare > 0)) {
            String option = margin > 0 ? "--traffic-range-margin " + EnvOptions.plain(margin)
                    : "--traffic-plain-share " + EnvOptions.plain(trafficPlainShare);
            throw new IllegalArgumentException(option + " shapes synthetic training traces, and "
                    + noSyntheticTraces(true));
        }
        return new TrainingRun.Traffic(trafficNoise, uniformTraffic, trafficPersistence, jitter, windows,
                trafficWindowsShare == null ? 0.5 : trafficWindowsShare, trafficPlainShare, perService,
                trafficRangeMargin(margin, windowsOnly));
    }

    /**
     * --traffic-range-margin, else its default: 0.1 for afterstate when some training traces are synthetic (none
     * are with --uniform-traffic 0 or every episode a recorded window), else 0.
     */
    private double trafficRangeMargin(double given, boolean windowsOnly) {
        return trafficRangeMarginOption != null ? given
                : Algorithms.AFTERSTATE.equals(algo) && uniformTraffic > 0 && !windowsOnly ? 0.1 : 0;
    }

    /**
     * Refuses a training-traffic option that shapes episodes of a kind none is drawn of, which would be ignored: the
     * noise of episodes played on --trace when every one is synthetic or a recorded window, the shape of synthetic
     * ones when none is (--traffic-range-margin and --traffic-plain-share are checked by {@link
     * #requireSyntheticShare}, --traffic-persistence also shapes --eval-synthetic's traces, --traffic-range also
     * bounds the noise). An option --published overrides is noted there, not refused.
     *
     * @param windowsOnly whether every training episode plays a recorded window
     */
    private void refuseTrafficOptionsWithoutEffect(boolean windowsOnly) {
        boolean onTrace = uniformTraffic < 1 && !windowsOnly;
        boolean synthetic = uniformTraffic > 0 && !windowsOnly;
        String noneDrawn = noSyntheticTraces(windowsOnly);
        if (trafficNoise > 0 && !onTrace) {
            throw new IllegalArgumentException("--traffic-noise " + EnvOptions.plain(trafficNoise) + " randomises the training "
                    + "episodes played on --trace, and " + (windowsOnly ? noneDrawn : "--uniform-traffic 1 makes every "
                    + "one synthetic: give --uniform-traffic below 1 (the share of synthetic episodes)"));
        }
        if (windowsOnly && typedNotOverridden("--uniform-traffic")) {
            throw new IllegalArgumentException("--uniform-traffic " + EnvOptions.plain(uniformTraffic) + " shares the training "
                    + "episodes not played on recorded windows, and --traffic-windows-share 1 plays them all there: "
                    + "give a share below 1, or leave --uniform-traffic out");
        }
        if (synthetic) {
            return;
        }
        if (trafficRangeJitterOption != null && trafficRangeJitterOption > 0 && typedNotOverridden("--traffic-range-jitter")) {
            throw new IllegalArgumentException("--traffic-range-jitter " + EnvOptions.plain(trafficRangeJitterOption) + " shapes "
                    + "synthetic training traces, and " + noneDrawn);
        }
        if (trafficPersistence > 0 && evalSynthetic == 0 && typedNotOverridden("--traffic-persistence")) {
            throw new IllegalArgumentException("--traffic-persistence " + EnvOptions.plain(trafficPersistence) + " shapes "
                    + "synthetic traces (training ones, and --eval-synthetic's), and " + noneDrawn);
        }
        if (!(trafficNoise > 0 && onTrace) && typedNotOverridden("--traffic-range")) {
            throw new IllegalArgumentException("--traffic-range " + trafficRange + " bounds synthetic training traces "
                    + "(and --traffic-noise's values), and " + noneDrawn);
        }
    }

    /** The first of {@code options} that {@link #typedNotOverridden} holds for; null when none. */
    private String firstTyped(List<String> options) {
        return options.stream().filter(this::typedNotOverridden).findFirst().orElse(null);
    }

    /** {@code option} and its value as given, e.g. {@code --imitation-epochs 8}. */
    private String typedWithValue(String option) {
        return option + " " + given(spec.commandLine().getParseResult(), option);
    }

    /** Whether {@code option} was typed and {@link #applyPublished --published} did not replace its value. */
    private boolean typedNotOverridden(String option) {
        if (spec == null || (published && PUBLISHED.containsKey(option))) {
            return false;
        }
        picocli.CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        return parsed != null && given(parsed, option) != null;
    }

    /** A value in [0, 1] of an option that shapes synthetic training traces, which need --uniform-traffic above 0. */
    private void requireSyntheticShare(String option, double value, String expected) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(option + " " + EnvOptions.plain(value) + " is not in [0, 1]: expected " + expected);
        }
        if (value > 0 && uniformTraffic == 0) {
            throw new IllegalArgumentException(option + " " + EnvOptions.plain(value) + " shapes synthetic training traces, and "
                    + noSyntheticTraces(false));
        }
    }

    /**
     * Why no synthetic training trace is drawn, and what to do: every episode plays a recorded window ({@code
     * windowsOnly}), or --uniform-traffic is 0 (set by --published or typed).
     */
    private String noSyntheticTraces(boolean windowsOnly) {
        return windowsOnly ? "--traffic-windows-share 1 plays recorded windows only: give a share below 1"
                : published ? "--published trains on --trace as recorded (--uniform-traffic 0): leave it out"
                : "--uniform-traffic 0 draws none: give --uniform-traffic above 0";
    }

    /** --traffic-range-jitter, else its default: 0.7 for afterstate, 0 for the others. */
    double trafficRangeJitter() {
        return trafficRangeJitterOption != null ? trafficRangeJitterOption
                : Algorithms.AFTERSTATE.equals(algo) ? 0.7 : 0;
    }

    /**
     * The recorded traffic whose windows training episodes play: --traffic-windows' file, none for {@code none}, and
     * by default the bundled July 1995 web traffic for afterstate when the services are its columns, else none.
     */
    Trace trafficWindowsTrace() {
        if (trafficWindows == null) {
            if (!Algorithms.AFTERSTATE.equals(algo)) {
                return null;
            }
            return servicesMissingFromBundledWindows().isEmpty() ? bundled() : null;
        }
        if ("none".equals(trafficWindows)) {
            return null;
        }
        return EnvOptions.trace("--traffic-windows", Path.of(trafficWindows), " (expected a traffic CSV or none)");
    }

    /**
     * Says, after training, when even the best evaluation's return is negative: a step earns at least 0 within the
     * quota and -100 over it, so the policy was over quota on most steps of --trace (a quota too small for the traffic,
     * or traffic of another scale than the profile's configurations serve).
     */
    private void noteWhenOverQuota(double bestReturn) {
        if (bestReturn < 0) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf(Locale.ROOT, "note: the best evaluation returned %.2f, below 0: the policy is over the quota on "
                    + "most steps of %s (every step over it earns -100); check the quota against the traffic "
                    + "(drl baselines shows what the planners hold)%n", bestReturn, env.trace);
            err.flush();
        }
    }

    /**
     * Says on {@code err} which services of the profile have names the live agent cannot write into a
     * {@code DRLScaleAction} ({@link dev.kdrl.env.quota.ServiceProfile#NAME}): the model trains and evaluates, but the
     * agent will refuse its configuration.
     */
    void noteServiceNamesTheAgentCannotWrite(PrintWriter err) {
        List<String> bad = env.model().serviceNames().stream()
                .filter(n -> !dev.kdrl.env.quota.ServiceProfile.NAME.matcher(n).matches()).toList();
        if (!bad.isEmpty()) {
            err.println("note: the live agent cannot run this model: service name" + (bad.size() == 1 ? " " : "s ")
                    + bad.stream().map(n -> "'" + n + "'").collect(java.util.stream.Collectors.joining(", "))
                    + " of profile " + env.profile + " " + (bad.size() == 1 ? "is" : "are") + " not "
                    + dev.kdrl.env.quota.ServiceProfile.NAME_RULE + " (rename in the profile to deploy it)");
            err.flush();
        }
    }

    /**
     * Says on {@code err} when --traffic-windows was left to its default, and the bundled July traffic is not played
     * because a service of the profile has no column in it, which services those are.
     */
    void noteWhenTheBundledWindowsDoNotApply(PrintWriter err) {
        if (trafficWindows != null || !Algorithms.AFTERSTATE.equals(algo)) {
            return;
        }
        List<String> missing = servicesMissingFromBundledWindows();
        if (!missing.isEmpty()) {
            err.println("note: no recorded training windows: the bundled July web traffic (" + BUNDLED_WINDOWS_NAME
                    + ") has no column " + String.join(", ", missing) + " (give --traffic-windows FILE with these "
                    + "columns, or --traffic-windows none for synthetic traffic without this note)");
            err.flush();
        }
    }

    /** The profile's services that the bundled July traffic has no column for; empty when it can be played. */
    private List<String> servicesMissingFromBundledWindows() {
        List<String> missing = new ArrayList<>(env.model().serviceNames());
        missing.removeAll(bundled().columns());
        return missing;
    }

    /** {@link #bundledWindows()}, read once per command. */
    private Trace bundled() {
        if (bundledTrace == null) {
            bundledTrace = bundledWindows();
        }
        return bundledTrace;
    }

    private Trace bundledTrace;

    /** The bundled default of --traffic-windows. */
    static Trace bundledWindows() {
        String resource = "/dev/kdrl/train/traffic/" + BUNDLED_WINDOWS_NAME;
        java.io.InputStream in = TrainCommand.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("the bundled traffic " + resource + " is missing from the build");
        }
        try (java.io.Reader r = new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8)) {
            return dev.kdrl.env.trace.TraceCsv.read(r, BUNDLED_WINDOWS_NAME + " (bundled)");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the bundled traffic " + resource, e);
        }
    }

    /** The options that tune the afterstate policy's two-step search (read only with samples above 0). */
    static final List<String> LOOKAHEAD_TUNING = List.of("--afterstate-lookahead-candidates",
            "--afterstate-lookahead-value-weight", "--afterstate-lookahead-confidence",
            "--afterstate-lookahead-anchor-confidence");

    /** The saved afterstate policy's two-step settings from the options; null for one step. */
    dev.kdrl.env.value.AfterstatePolicy.Lookahead lookahead() {
        CautiousChoice.requireConfidence("--afterstate-lookahead-confidence", lookaheadConfidence);
        CautiousChoice.requireConfidence("--afterstate-lookahead-anchor-confidence", lookaheadAnchorConfidence);
        dev.kdrl.env.value.AfterstatePolicy.Lookahead settings;
        try {
            // with 0 samples (one step) the other values are still checked, so that a bad one is named as bad
            settings = new dev.kdrl.env.value.AfterstatePolicy.Lookahead(lookaheadCandidates,
                    lookaheadSamples == 0 ? 1 : lookaheadSamples, lookaheadValueWeight, lookaheadConfidence,
                    lookaheadAnchorConfidence);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--afterstate-lookahead-samples " + lookaheadSamples
                    + ", --afterstate-lookahead-candidates " + lookaheadCandidates + ", --afterstate-lookahead-value-weight "
                    + lookaheadValueWeight + ", --afterstate-lookahead-confidence " + lookaheadConfidence
                    + ", --afterstate-lookahead-anchor-confidence " + lookaheadAnchorConfidence + ": "
                    + e.getMessage() + " (samples: 0 for one step, else >= 1)", e);
        }
        if (lookaheadSamples == 0) {
            String unread = firstTyped(LOOKAHEAD_TUNING);
            if (unread != null) {
                throw new IllegalArgumentException(typedWithValue(unread) + " tunes the two-step search, and "
                        + "--afterstate-lookahead-samples 0 makes the policy act in one step: give samples above 0, or "
                        + "leave " + unread + " out");
            }
            return null;
        }
        return settings;
    }

    /** The afterstate run these options describe, with progress to {@code progress} (null: none). */
    TrainingRun.Result runAfterstate(PrintWriter progress) {
        return dev.kdrl.train.run.AfterstateRun.run(env.profile, env.model(), env.trace(),
                traffic(), envs, afterstateConfig(),
                timesteps(), evalEvery, validation(), out, progress);
    }

    private int afterstate() {
        noteWhenTheBundledWindowsDoNotApply(spec.commandLine().getErr());
        TrainingRun.Result r = runAfterstate(spec.commandLine().getErr());
        PrintWriter pw = spec.commandLine().getOut();
        pw.printf(Locale.ROOT, "trained afterstate for %,d steps in %.1f s: final deterministic return %.2f, best %.2f at "
                + "%,d steps%n", r.timesteps(), r.seconds(), r.finalEvalReturn(), r.bestEvalReturn(), r.bestTimesteps());
        noteWhenOverQuota(r.bestEvalReturn());
        pw.println("wrote " + r.model() + ", " + r.best() + ", " + out.resolve("metrics.csv") + ", "
                + out.resolve("learning-curve.png"));
        pw.flush();
        return 0;
    }

    /**
     * The options {@code --algo rl4j-dqn} reads (its network, discount and evaluation are RL4J's fixed settings, {@code
     * Rl4jDqn}); any other given with it is refused, named. {@code --dynamics} is read to refuse {@code cluster}.
     */
    static final List<String> RL4J_READS = List.of("--algo", "--profile", "--trace", "--quota", "--min-pods",
            "--dynamics", "--timesteps", "--seed", "--reward-scale", "--out", "--overwrite");

    /** The options that shape the training traffic, which RL4J's DQN does not read: it plays --trace as recorded. */
    static final List<String> TRAFFIC_OPTIONS = List.of("--uniform-traffic", "--traffic-noise", "--traffic-persistence",
            "--traffic-range-jitter", "--traffic-range", "--traffic-range-margin", "--traffic-plain-share", "--traffic-windows",
            "--traffic-windows-share");

    private int rl4j() throws java.io.IOException {
        var model = env.model();
        var trace = env.trace();
        java.nio.file.Files.createDirectories(out);
        Path csv = out.resolve("metrics.csv");
        var r = dev.kdrl.train.rl4j.Rl4jDqn.train(() -> new dev.kdrl.env.quota.QuotaEnv(model, trace),
                Math.toIntExact(timesteps()), seed, rewardScale, 100,
                new dev.kdrl.train.rl4j.EpisodeLog(csv, timesteps(), spec.commandLine().getErr()));
        dev.kdrl.train.run.TrainingRun.plotLearningCurve(csv, out.resolve("learning-curve.png"), algo);
        Path file = out.resolve("rl4j-dqn.zip");
        r.policy().save(file.toString());
        // our format, which drl evaluate and the live agent read; the greedy return is that policy's
        // it played --trace as recorded: its columns are the loads it trained on
        var saved = dev.kdrl.train.rl4j.Rl4jDqn.export(r, dev.kdrl.env.quota.Signatures.of(model, env.profile))
                .withHyperParameter(dev.kdrl.core.policy.TrainedLoads.KEY, new dev.kdrl.train.run.TrainingRun.Traffic(
                        0, 0, 0).trainedLoads(model, trace).encode());
        Path modelFile = out.resolve("model.zip");
        dev.kdrl.core.policy.PolicyFile.save(saved, modelFile);
        double ret = dev.kdrl.env.metrics.EpisodeRunner.episodeReturn(new dev.kdrl.env.quota.QuotaEnv(model, trace),
                dev.kdrl.core.policy.PolicyFile.load(modelFile).actingPolicy(), 0L);
        double rl4jRet = dev.kdrl.train.rl4j.Rl4jDqn.greedyReturn(r.policy(), r.mdp(),
                new dev.kdrl.env.quota.QuotaEnv(model, trace), 100);
        PrintWriter pw = spec.commandLine().getOut();
        pw.printf(Locale.ROOT, "trained rl4j-dqn for %,d steps in %.1f s (%.0f steps/s): greedy return %.2f%n",
                r.steps(), r.seconds(), r.steps() / r.seconds(), ret);
        if (Double.compare(ret, rl4jRet) != 0) {
            // RL4J computes in float32, model.zip in double: near-tied Q-values can pick different actions
            spec.commandLine().getErr().printf(Locale.ROOT, "note: RL4J's own network (float32) gives greedy return "
                    + "%.2f, model.zip (the same weights in double precision) %.2f%n", rl4jRet, ret);
            spec.commandLine().getErr().flush();
        }
        pw.println("wrote " + modelFile + ", " + file + ", " + csv + ", " + out.resolve("learning-curve.png"));
        pw.flush();
        return 0;
    }
}
