package dev.kdrl.train.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kdrl.core.policy.PolicyFile;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.core.policy.TrainedLoads;
import dev.kdrl.core.predict.TrafficPredictor;
import dev.kdrl.env.baseline.Baselines;
import dev.kdrl.env.baseline.CautiousChoice;
import dev.kdrl.env.baseline.TrafficDistribution;
import dev.kdrl.env.cluster.ClusterMetrics;
import dev.kdrl.env.cluster.ClusterParams;
import dev.kdrl.env.cluster.ClusterReward;
import dev.kdrl.env.metrics.EpisodeMetrics;
import dev.kdrl.env.metrics.EpisodeRunner;
import dev.kdrl.env.profile.Profiles;
import dev.kdrl.env.quota.Observation;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.value.AfterstatePolicy;
import dev.kdrl.env.value.SavedPolicies;
import dev.kdrl.train.eval.LinePlot;
import dev.kdrl.train.run.TrainingRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A saved policy beside the baselines and the exact optimum, per trace. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Play a saved policy deterministically on each trace beside fixed, usage-based hybrid, random, "
                + "greedy, expected-2, look-ahead and the exact optimum; print return, %% of optimum, steps over quota, "
                + "overlap-over-quota steps, mean CPU, mean latency/SLO. --plot writes traffic vs chosen CPU and pods "
                + "per service over time."})
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE.zip", description = "A saved policy (drl train).")
    Path modelFile;

    @Option(names = "--trace", required = true, split = ",", paramLabel = "FILE",
            description = "Trace(s) to evaluate on (repeat or separate with commas).")
    List<Path> traces;

    @Option(names = "--rows", paramLabel = "FROM:TO",
            description = "Evaluate on rows FROM (inclusive) to TO (exclusive) of each trace, e.g. 600:800 for a "
                    + "200-row window of a long trace.")
    String rows;

    @Option(names = "--profile", paramLabel = "PROFILE", description = "Default: the profile the model was trained "
            + "for, at the quota it was trained with.")
    String profile;

    @Option(names = "--quota", paramLabel = "CORES", description = "To override the profile's (with --profile) or "
            + "the model's quota.")
    Double quota;

    @Option(names = "--min-pods", paramLabel = "N", description = "General model's minimum pods.")
    Integer minPods;

    @Option(names = "--json", description = "Print one JSON array of objects instead of the tables.")
    boolean json;

    @Option(names = "--plot", paramLabel = "FILE.png",
            description = "Traffic vs chosen CPU and pods of the model over time (FILE-<trace>.png for several traces).")
    Path plot;

    @Option(names = "--lookahead", defaultValue = "3", description = "Look-ahead horizon; 0 or 1 leaves it out. Default: ${DEFAULT-VALUE}.")
    int lookahead;

    @Option(names = "--no-optimum", description = "Skip the exact optimum.")
    boolean noOptimum;

    @Option(names = "--seed", defaultValue = "0",
            description = "Seed of the random baseline and of expected-2's traffic draws. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    ExpectedOptions expected;

    @Option(names = "--afterstate-lookahead-samples", paramLabel = "N",
            description = "An afterstate model looks two steps ahead over N samples of the next period's traffic (the "
                    + "distribution expected-2 uses), whatever it was saved with; 0: one step. Default: the model's.")
    Integer lookaheadSamples;

    @Option(names = "--afterstate-lookahead-candidates", paramLabel = "C",
            description = "With two steps: first decisions looked ahead from. Default: the model's, else drl train's.")
    Integer lookaheadCandidates;

    @Option(names = "--afterstate-lookahead-value-weight", paramLabel = "W",
            description = "With two steps: weight of the learnt value after the second decision. Default: the model's, "
                    + "else drl train's.")
    Double lookaheadValueWeight;

    @Option(names = "--afterstate-lookahead-confidence", paramLabel = "K",
            description = "With two steps: another first decision replaces the best by immediate reward only when its "
                    + "mean advantage over the samples less K standard errors is positive; 0: the highest mean wins. "
                    + "Default: the model's, else drl train's.")
    Double lookaheadConfidence;

    @Option(names = "--afterstate-lookahead-anchor-confidence", paramLabel = "K",
            description = "With two steps and a confidence: K > 0 makes the reference the decision of the same search "
                    + "without the value (expected-2's, with confidence K); 0: greedy's. Default: the model's, else "
                    + "drl train's.")
    Double lookaheadAnchorConfidence;

    @Option(names = "--dynamics", defaultValue = "paper", paramLabel = "paper|cluster",
            description = "paper: the decision model the policies were trained on (default). cluster: the "
                    + "cluster-faithful model (Knative's KPA, pod start-up and drain, quota admission, queueing; its "
                    + "parameters are the profile's cluster: keys): the model, greedy and Knative's default (first row; "
                    + "best fixed with --best-fixed) with time and requests over SLO, p95/SLO, drops, CPU, refused "
                    + "creations, revisions and cold starts.")
    String dynamics;

    @Option(names = "--predictor", defaultValue = "last-value", paramLabel = "NAME",
            description = "With --dynamics cluster: the load forecast the policies see (the simulator plays the actual "
                    + "load): actual, last-value, moving-average, holt or bilstm (with --predictor-model). "
                    + "Default: ${DEFAULT-VALUE}.")
    String predictor;

    @Option(names = "--predictor-model", paramLabel = "FILE.zip", description = "The Bi-LSTM of --predictor bilstm.")
    Path predictorModel;

    @Option(names = "--reward", defaultValue = "paper", paramLabel = "paper|slo-cores",
            description = "With --dynamics cluster: the reward (see ClusterReward). Default: ${DEFAULT-VALUE}.")
    String reward;

    @Option(names = "--operator", description = "With --dynamics cluster: the old revision is deleted as soon as the new "
            + "one is ready, as the published Go operator does (the profile's cluster.operatorDeletesOldRevision).")
    boolean operator;

    @Option(names = "--tick", paramLabel = "SECONDS", description = "With --dynamics cluster: the simulator's tick "
            + "(2 s or a tick that divides it evenly: 1, 0.5, ...). Default: the profile's cluster.tickSeconds (2).")
    Double tick;

    @Option(names = "--min-scale", defaultValue = "decision", paramLabel = "decision|none|paper",
            description = "With --dynamics cluster: how the model's and greedy's decisions set min-scale (decision: the "
                    + "forecast's pods, every change a revision; none: the KPA alone, only the configuration chosen; "
                    + "paper: the paper model's pod counts, observed as its bookkeeping, as the live agent's default "
                    + "apply.minScale paper). Default: ${DEFAULT-VALUE}.")
    String minScale;

    @Option(names = "--best-fixed", description = "With --dynamics cluster: also Knative's default with the best "
            + "fixed configuration for each trace (an oracle; plays every joint configuration).")
    boolean bestFixed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        EnvOptions.requireNoEmptyElements(spec.commandLine().getParseResult(), "--trace", "comma-separated file names");
        double expectedConfidence = expected.confidence();
        if (lookaheadConfidence != null) {
            CautiousChoice.requireConfidence("--afterstate-lookahead-confidence", lookaheadConfidence);
        }
        if (lookaheadAnchorConfidence != null) {
            CautiousChoice.requireConfidence("--afterstate-lookahead-anchor-confidence", lookaheadAnchorConfidence);
        }
        EnvOptions.requireAtLeast("--lookahead", lookahead, 0);
        if (lookaheadSamples != null) {
            EnvOptions.requireAtLeast("--afterstate-lookahead-samples", lookaheadSamples, 0);
        }
        EnvOptions.requireFile("--model", modelFile, "");
        if (plot != null) {
            Map<Path, String> inputs = new LinkedHashMap<>();
            traces.forEach(t -> inputs.put(t, "--trace"));
            inputs.put(modelFile, "--model");
            if (profile != null) {
                inputs.put(Path.of(profile), "--profile");
            }
            inputs.put(expected.trafficHistory, "--traffic-history");
            EnvOptions.requireOutputFile("--plot", plot, List.of(".png"), inputs);
        }
        SavedPolicy saved = load(modelFile);
        noteUnfinishedRun(modelFile);
        if (!SavedPolicies.searches(saved)) {
            Map<String, Object> given = lookaheadOptions(true);
            if (!given.isEmpty()) {
                throw new IllegalArgumentException(given.keySet().iterator().next() + " applies to an afterstate model "
                        + "only; " + modelFile + " is a " + saved.algorithm() + " model");
            }
        }
        String prof = profile != null ? profile : saved.env().profile();
        QuotaModel model = model(saved, prof);
        // the model's environment is checked before the traces are read: a model of other services is refused as
        // such, not for a trace column its profile lacks
        saved.env().requireSame(SavedPolicies.signature(saved, model, prof));
        Observation observation = SavedPolicies.observation(saved);
        PrintWriter pw = spec.commandLine().getOut();
        if ("cluster".equals(dynamics)) {
            refuse(PAPER_ONLY, "paper");
            asTrained(saved);
            return cluster(saved, prof, model, observation, pw);
        }
        if (!"paper".equals(dynamics)) {
            throw new IllegalArgumentException("--dynamics '" + dynamics + "' is not one of paper, cluster");
        }
        refuse(CLUSTER_ONLY, "cluster");
        // the saved settings with the options' overrides, checked before any trace is read
        AfterstatePolicy.Lookahead twoSteps = SavedPolicies.searches(saved)
                ? lookahead(AfterstatePolicy.Lookahead.of(saved.hyperParameters())) : null;
        // with --no-expected, --expected-confidence has nothing to set; --traffic-history only when no two-step
        // search draws from it
        expected.refuseWhenSkipped(spec.commandLine().getParseResult(), twoSteps != null);
        if ("cluster".equals(saved.hyperParameters().get("dynamics"))) {
            note(modelFile + " was trained with --dynamics cluster; it is "
                    + "played here in the paper model (add --dynamics cluster to play it as trained)");
        }
        List<Map<String, Object>> all = new ArrayList<>();
        Trace history = expected.history();
        List<Played> traces = readTraces(model);
        noteUntrainedLoads(saved, model, traces);
        for (Played played : traces) {
            Path tf = played.file();
            Trace trace = played.rows();
            EnvOptions.noteUnplayedRows(trace, model, "--rows", spec.commandLine().getErr());
            QuotaEnv env = new QuotaEnv(model, trace, observation);
            // an afterstate model looking two steps ahead assumes of the next period what expected-2 assumes
            SavedPolicies.Future future = new SavedPolicies.Future(Baselines.trafficModel(model, trace, history),
                    env.episodeLength(), seed);
            var acting = SavedPolicies.acting(saved, model, prof, env::state, future);
            if (acting instanceof AfterstatePolicy a) {
                a.setLookahead(twoSteps);
            }
            EpisodeRunner.Episode episode = EpisodeRunner.run(env, acting, 0L);
            List<EpisodeMetrics> rows = new ArrayList<>();
            rows.add(episode.metrics());
            rows.addAll(Baselines.evaluate(model, trace, new Baselines.Options(seed, Math.max(0, lookahead), !noOptimum,
                    !expected.skip, history, expectedConfidence)));
            Double optimum = noOptimum ? null : rows.get(rows.size() - 1).episodeReturn();
            if (json) {
                for (Map<String, Object> row : BaselinesCommand.rows(rows, optimum)) {
                    row.put("dynamics", "paper");
                    all.add(row);
                }
            } else {
                pw.println(BaselinesCommand.traceHeader(trace, episode.metrics().steps(),
                        String.valueOf(model.quota()), prof));
                pw.print(BaselinesCommand.table(rows, optimum, model.serviceNames()));
                pw.println();
            }
            if (plot != null) {
                String traceName = tf.getFileName().toString().replaceFirst("\\.csv$", "");
                writePlot(model, observation, episode, traces.size() == 1 ? plot : LinePlot.sibling(plot, traceName));
            }
        }
        if (json) {
            pw.println(new ObjectMapper().writeValueAsString(all));
        }
        pw.flush();
        return 0;
    }

    /**
     * The policy in {@code file}; an afterstate policy's hyper-parameters checked here, before any work, the file
     * named with what is wrong ({@link AfterstatePolicy#checkHyperParameters}).
     */
    static SavedPolicy load(Path file) {
        SavedPolicy saved = PolicyFile.load(file);
        if (SavedPolicies.searches(saved)) {
            try {
                AfterstatePolicy.checkHyperParameters(saved.hyperParameters());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
        return saved;
    }

    /**
     * Options of the paper model that {@code --dynamics cluster} would ignore, each with the reason; refused, named.
     * (The run-shaping options {@code drl sweep} passes to every set, {@code --no-optimum}, {@code --lookahead},
     * {@code --no-expected} and {@code --seed}, are accepted: there is nothing for them to do.)
     */
    static final Map<String, String> PAPER_ONLY = paperOnly();

    private static Map<String, String> paperOnly() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String o : List.of("samples", "candidates", "value-weight", "confidence", "anchor-confidence")) {
            m.put("--afterstate-lookahead-" + o, "in the cluster model the model decides in one step");
        }
        m.put("--expected-confidence", "the cluster model plays no expected-2");
        m.put("--traffic-history", "the cluster model plays no expected-2");
        m.put("--plot", "the cluster model's periods are not plotted");
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Options of the cluster model that the paper model (the default {@code --dynamics}) would ignore, each with the
     * reason; refused, named.
     */
    static final Map<String, String> CLUSTER_ONLY = clusterOnly();

    private static Map<String, String> clusterOnly() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String o : List.of("--predictor", "--predictor-model")) {
            m.put(o, "the paper model's policies see the load the next period plays");
        }
        m.put("--reward", "the paper model has the published reward only");
        m.put("--operator", "in the paper model a roll-out ends within its period: no old revision is left to delete");
        m.put("--tick", "the paper model steps once per period");
        m.put("--min-scale", "the paper model has no KPA; a decision's pods are its pods");
        m.put("--best-fixed", "the paper model's table always plays fixed-best");
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * In the cluster model, the settings a model recorded in training ({@code min_scale}, {@code cluster_reward},
     * {@code predictor}) stand for the options not given, so that it plays as trained (a {@code --min-scale none}
     * model played with min-scale set by its decisions returns about half); said on stderr.
     */
    private void asTrained(SavedPolicy saved) {
        Map<String, String> h = saved.hyperParameters();
        List<String> taken = new ArrayList<>();
        var parsed = spec.commandLine().getParseResult();
        if (h.containsKey("min_scale") && !parsed.hasMatchedOption("--min-scale")) {
            minScale = recorded(h, "min_scale", ClusterEvaluation.MIN_SCALES);
            taken.add("--min-scale " + minScale);
        }
        if (h.containsKey("cluster_reward") && !parsed.hasMatchedOption("--reward")) {
            reward = recorded(h, "cluster_reward", ClusterEvaluation.REWARDS);
            taken.add("--reward " + reward);
        }
        if (h.containsKey("predictor") && !parsed.hasMatchedOption("--predictor")
                && !parsed.hasMatchedOption("--predictor-model") && !"bilstm".equals(h.get("predictor"))) {
            List<String> names = new ArrayList<>(List.of(ClusterEvaluation.ACTUAL));
            names.addAll(dev.kdrl.core.predict.Predictors.names());
            predictor = recorded(h, "predictor", names);
            taken.add("--predictor " + predictor);
        }
        if (!taken.isEmpty()) {
            note("as " + modelFile + " was trained: " + String.join(", ", taken));
        }
    }

    /**
     * The model's recorded setting {@code key}, one of {@code known}; else refused naming the model file and the
     * field (its option would name the option, which was not given).
     */
    private String recorded(Map<String, String> hyperParameters, String key, List<String> known) {
        String v = hyperParameters.get(key);
        if (!known.contains(v)) {
            throw new IllegalArgumentException(modelFile + ": manifest field 'hyper." + key + "' is '" + v
                    + "' (expected one of " + String.join(", ", known) + ")");
        }
        return v;
    }

    /** Refuses, naming it, an option of {@code only} given on the command line: it applies to that dynamics only. */
    private void refuse(Map<String, String> only, String dynamicsOfThem) {
        for (Map.Entry<String, String> e : only.entrySet()) {
            if (spec.commandLine().getParseResult().hasMatchedOption(e.getKey())) {
                throw new IllegalArgumentException(e.getKey() + " applies to --dynamics " + dynamicsOfThem + " only: "
                        + e.getValue());
            }
        }
    }

    private int cluster(SavedPolicy saved, String prof, QuotaModel model, Observation observation, PrintWriter pw)
            throws Exception {
        ClusterParams params = Profiles.clusterParams(prof);
        if (operator) {
            params = params.withOperatorDeletesOldRevision(true);
        }
        if (tick != null) {
            params = ClusterEvaluation.withTick(params, tick);
        }
        String trainedIn = saved.hyperParameters().get(dev.kdrl.env.cluster.ClusterParams.HYPER_KEY);
        if (trainedIn != null) {
            // other dynamics are a fair question to ask of a policy (how does it fare with slower starts?), so this
            // is a note, not a refusal: but it must not pass unseen
            List<String> d = TrainingRun.ClusterDynamics.differences(trainedIn, params.describe(model.serviceNames()));
            if (!d.isEmpty()) {
                note(modelFile + " was trained in other cluster dynamics; "
                        + "played with " + String.join(", ", d));
            }
        }
        ClusterReward r = ClusterEvaluation.reward(reward);
        List<Map<String, Object>> all = new ArrayList<>();
        List<Played> traces = readTraces(model);
        noteUntrainedLoads(saved, model, traces);
        for (Played played : traces) {
            Trace trace = played.rows();
            // the largest load of the services in the whole trace (not only the rows played, which may be a quiet
            // window): a Bi-LSTM trained for another scale is refused, as the agent refuses it
            double largest = 0;
            for (String service : model.serviceNames()) {
                largest = Math.max(largest, played.whole().max(played.whole().columnIndex(service)));
            }
            TrafficPredictor p = ClusterEvaluation.predictor(predictor, predictorModel, largest);
            // one step in the cluster model; a traffic-aware value reads the played trace's statistics
            SavedPolicies.Future statistics = new SavedPolicies.Future(TrafficDistribution.statisticsOnly(
                    Baselines.trafficModel(model, trace, null).statistics()), Integer.MAX_VALUE, 0);
            List<ClusterMetrics> rows = ClusterEvaluation.evaluate(model, params, trace, observation, r, p,
                    (m, state) -> SavedPolicies.acting(saved, m, prof, state, statistics), bestFixed,
                    ClusterEvaluation.minScale(minScale));
            if (json) {
                for (ClusterMetrics m : rows) {
                    Map<String, Object> row = m.toMap();
                    row.put("dynamics", "cluster");
                    row.put("predictor", predictor);
                    all.add(row);
                }
            } else {
                pw.println("trace " + trace.source() + ", " + rows.get(0).steps() + " periods of "
                        + params.periodSeconds() + " s, quota " + model.quota() + " cores, profile " + prof
                        + ", dynamics cluster (tick " + params.tickSeconds() + " s" + (params.operatorDeletesOldRevision()
                        ? ", operator deletes old revisions" : "") + ", min-scale " + minScale + "), predictor " + predictor
                        + ", reward " + r);
                pw.print(ClusterEvaluation.table(rows, model.serviceNames()));
                pw.println();
            }
        }
        if (json) {
            pw.println(new ObjectMapper().writeValueAsString(all));
        }
        pw.flush();
        return 0;
    }

    /** The two-step options given, by name in declaration order; the samples' too when {@code withSamples}. */
    private Map<String, Object> lookaheadOptions(boolean withSamples) {
        Map<String, Object> given = new LinkedHashMap<>();
        if (withSamples) {
            given.put("--afterstate-lookahead-samples", lookaheadSamples);
        }
        given.put("--afterstate-lookahead-candidates", lookaheadCandidates);
        given.put("--afterstate-lookahead-value-weight", lookaheadValueWeight);
        given.put("--afterstate-lookahead-confidence", lookaheadConfidence);
        given.put("--afterstate-lookahead-anchor-confidence", lookaheadAnchorConfidence);
        given.values().removeIf(java.util.Objects::isNull);
        return given;
    }

    /** The two-step settings: the model's ({@code saved}, null for one step) with the options' overrides. */
    AfterstatePolicy.Lookahead lookahead(AfterstatePolicy.Lookahead saved) {
        int samples = lookaheadSamples != null ? lookaheadSamples : saved == null ? 0 : saved.samples();
        AfterstatePolicy.Lookahead base = saved != null ? saved : AfterstatePolicy.Lookahead.defaults();
        int candidates = lookaheadCandidates != null ? lookaheadCandidates : base.candidates();
        double weight = lookaheadValueWeight != null ? lookaheadValueWeight : base.valueWeight();
        double confidence = lookaheadConfidence != null ? lookaheadConfidence : base.confidence();
        double anchor = lookaheadAnchorConfidence != null ? lookaheadAnchorConfidence : base.anchorConfidence();
        AfterstatePolicy.Lookahead settings;
        try {
            // with 0 samples (one step) the other values are still checked, so that a bad one is named as bad
            settings = new AfterstatePolicy.Lookahead(candidates, samples == 0 ? 1 : samples, weight, confidence,
                    anchor);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--afterstate-lookahead-*: " + e.getMessage(), e);
        }
        if (samples == 0) {
            Map<String, Object> tuning = lookaheadOptions(false);
            if (!tuning.isEmpty()) {
                var first = tuning.entrySet().iterator().next();
                throw new IllegalArgumentException(first.getKey() + " " + first.getValue() + " tunes the two-step "
                        + "search, and " + (lookaheadSamples != null ? "--afterstate-lookahead-samples 0 makes the "
                        + "model act in one step" : modelFile + " was saved to act in one step") + ": give "
                        + "--afterstate-lookahead-samples above 0, or leave " + first.getKey() + " out");
            }
            return null;
        }
        return settings;
    }

    /**
     * The environment {@code saved} is played in: {@code prof} with --quota and --min-pods, else, for a profile the
     * model names itself, with the quota recorded in the model (a model trained with --quota is evaluated at it).
     */
    private QuotaModel model(SavedPolicy saved, String prof) {
        if (profile != null) {
            return EnvOptions.model(prof, quota, minPods);
        }
        Double q = quota != null || Profiles.PAPER.equals(prof) ? quota : Double.valueOf(saved.env().quota());
        try {
            return EnvOptions.model(prof, q, minPods);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the model was trained with --profile '" + prof + "' (recorded in "
                    + modelFile + "), which cannot be used here (" + e.getMessage() + "): pass --profile", e);
        }
    }

    /** Every --trace, read and sliced before any is played: a bad one is refused before minutes of work on the others. */
    private List<Played> readTraces(QuotaModel model) {
        List<Played> read = new ArrayList<>();
        for (Path tf : new java.util.LinkedHashSet<>(traces)) { // a trace given twice is played once
            Trace t = EnvOptions.trace(tf);
            EnvOptions.noteUnusedColumns(t, model, spec.commandLine().getErr());
            read.add(new Played(tf, t, slice(t)));
        }
        return read;
    }

    /**
     * Notes, per trace, each service whose played load lies well outside the loads the model trained on
     * ({@link TrainedLoads#outside}): the returns there show the policy extrapolating. Nothing for a model that
     * recorded none.
     */
    private void noteUntrainedLoads(SavedPolicy saved, QuotaModel model, List<Played> traces) {
        // what only feeds this note does not stop the evaluation
        java.util.Optional<TrainedLoads> trained = TrainedLoads.of(saved, unreadable -> note(modelFile + ": "
                + unreadable + "; the played loads are not compared with its training loads"));
        if (trained.isEmpty()) {
            return;
        }
        TrainedLoads t = trained.get();
        for (Played played : traces) {
            Trace rows = played.rows().select(model.serviceNames());
            List<String> beyond = new ArrayList<>();
            for (int c = 0; c < model.numServices(); c++) {
                int outside = 0;
                double farthest = Double.NaN;
                for (int r = 0; r < rows.length(); r++) {
                    double load = rows.row(r)[c];
                    if (t.outside(c, load)) {
                        outside++;
                        double mid = (t.low(c) + t.high(c)) / 2;
                        if (Double.isNaN(farthest) || Math.abs(load - mid) > Math.abs(farthest - mid)) {
                            farthest = load;
                        }
                    }
                }
                if (outside > 0) {
                    beyond.add(String.format(java.util.Locale.ROOT, "%s in %d of %d rows (farthest %s; trained on %s)",
                            model.serviceNames().get(c), outside, rows.length(), TrainedLoads.format(farthest), t.range(c)));
                }
            }
            if (!beyond.isEmpty()) {
                note(played.file() + " has loads well outside those "
                        + modelFile + " was trained on, where its decisions are extrapolation: "
                        + String.join(", ", beyond));
            }
        }
    }

    /** Says {@code text} on stderr as a note: what the run does that the user may not expect, or should know. */
    /**
     * Says when {@code model} is the {@code best.zip} of a run that did not finish (killed or failed: no {@code
     * model.zip} beside it, or an earlier run still set aside by {@code --overwrite}): the best of the steps it took.
     */
    private void noteUnfinishedRun(Path model) {
        Path dir = model.toAbsolutePath().getParent();
        if (dir == null || !model.getFileName().toString().equals("best.zip")) {
            return;
        }
        if (PreviousRun.waiting(dir)) {
            note(model + " is the best model of a run that did not finish: the last finished run waits in "
                    + dir.resolve(PreviousRun.DIR));
        } else if (java.nio.file.Files.exists(dir.resolve("metrics.csv"))
                && !java.nio.file.Files.exists(dir.resolve("model.zip"))) {
            note(model + " is the best model of a run that did not finish (no model.zip beside it)");
        }
    }

    private void note(String text) {
        spec.commandLine().getErr().println("note: " + text);
        spec.commandLine().getErr().flush();
    }

    /** A --trace as read ({@code whole}) and the rows played of it ({@code --rows}; the whole trace without it). */
    private record Played(Path file, Trace whole, Trace rows) {
    }

    private Trace slice(Trace t) {
        return slice(t, rows, "--rows");
    }

    /** Rows {@code FROM:TO} of a trace ({@code rows} null: the whole trace); {@code option} names it in errors. */
    static Trace slice(Trace t, String rows, String option) {
        if (rows == null) {
            return t;
        }
        String[] parts = rows.split(":", -1);
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            return t.slice(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + rows + "' is not FROM:TO (two row indices, e.g. 600:800)");
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(option + " " + rows + ": " + e.getMessage());
        }
    }

    /** One panel per service: its traffic, the CPU it holds and its pods over the episode. */
    private static void writePlot(QuotaModel model, Observation observation, EpisodeRunner.Episode e, Path file) {
        int steps = e.steps().size();
        List<LinePlot> panels = new ArrayList<>();
        for (int i = 0; i < model.numServices(); i++) {
            double[] users = new double[steps];
            double[] cpu = new double[steps];
            double[] pods = new double[steps];
            for (int t = 0; t < steps; t++) {
                EpisodeRunner.Step s = e.steps().get(t);
                users[t] = s.observation()[observation.trafficIndex(model, i)];
                cpu[t] = s.transition().resources()[i];
                pods[t] = s.transition().pods()[i];
            }
            String name = model.service(i).name();
            panels.add(new LinePlot(name + ": traffic and what " + e.metrics().policy() + " chose", "step",
                    "users / cores / pods")
                    .add("users", null, users)
                    .add("CPU in use (cores)", null, cpu)
                    .add("pods", null, pods));
        }
        LinePlot.writeStacked(panels, file, 1100, 330);
    }
}
