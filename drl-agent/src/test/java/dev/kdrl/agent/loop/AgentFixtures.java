package dev.kdrl.agent.loop;

import dev.kdrl.agent.config.AgentConfig;
import dev.kdrl.agent.k8s.ActionSink;
import dev.kdrl.agent.k8s.ScaleActionSpec;
import dev.kdrl.core.policy.Activation;
import dev.kdrl.core.policy.ActorHead;
import dev.kdrl.core.policy.Mlp;
import dev.kdrl.core.policy.MultiCategoricalPolicy;
import dev.kdrl.core.policy.ObservationNormalizer;
import dev.kdrl.core.policy.Policy;
import dev.kdrl.core.policy.PolicyFile;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.core.predict.TrafficPredictor;
import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.quota.Observation;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.Signatures;
import dev.kdrl.env.quota.Transition;
import dev.kdrl.env.trace.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared pieces of the agent tests: configurations, a seeded random policy, the offline reference. */
public final class AgentFixtures {

    private AgentFixtures() {
    }

    /** A configuration for the paper's services in the general model, with a Prometheus URL. */
    public static String config(String prometheusUrl, String policy, String predictor, String extra) {
        return """
                profile: paper-general
                prometheus:
                  url: %s
                  timeout: 2s
                  retries: 1
                  backoff: 50ms
                services:
                  - name: house
                    query: locust_users{job="{{job}}"}
                    labels: {job: generator1}
                  - name: senti
                    query: locust_users{job="{{job}}"}
                    labels: {job: generator2}
                  - name: numbr
                    query: locust_users{job="{{job}}"}
                    labels: {job: generator3}
                policy: %s
                predictor: %s
                historyDir: data/history
                stateDir: data/state
                http: {enabled: false}
                kubernetes: {retries: 3, backoff: 10ms}
                %s
                """.formatted(prometheusUrl, policy, predictor, extra);
    }

    /**
     * A policy with seeded random weights for {@code model}, saved with the signature of {@code profile}. Its
     * actions depend on the observation (weights large enough that the argmax changes with the traffic).
     */
    public static Path randomPolicy(QuotaModel model, String profile, long seed, Path file) {
        return randomPolicy(model, profile, seed, file, Observation.PAPER);
    }

    /** {@link #randomPolicy(QuotaModel, String, long, Path)} reading {@code observation}. */
    public static Path randomPolicy(QuotaModel model, String profile, long seed, Path file, Observation observation) {
        int in = observation.size(model);
        int out = 0;
        for (int n : model.actionSpace().nvec()) {
            out += n;
        }
        Mlp actor = randomMlp(new int[] {in, 16, out}, Activation.TANH, 1.5, seed);
        // normalise traffic (~0..100) and shares (0..100) so the tanh layer is not saturated; the full observation's
        // other components are fractions of the quota, counts and rewards in thousands, by their spread over a run
        double[] mean = new double[in];
        double[] var = new double[in];
        java.util.Arrays.fill(mean, 40);
        java.util.Arrays.fill(var, 900);
        if (observation != Observation.PAPER) {
            dev.kdrl.core.policy.RunningMeanStd stats = new dev.kdrl.core.policy.RunningMeanStd(in);
            QuotaEnv env = new QuotaEnv(model, new Trace("spread", model.serviceNames(), new double[][] {
                    {10, 10, 10}, {40, 20, 60}, {90, 50, 20}, {30, 80, 40}}), observation);
            dev.kdrl.core.rng.Rng rng = dev.kdrl.core.rng.Rng.of(seed);
            stats.update(new double[][] {env.reset(0)});
            while (!env.episodeOver()) {
                stats.update(new double[][] {env.step(env.actionSpace().sample(rng)).observation()});
            }
            ObservationNormalizer s = stats.freeze();
            mean = s.mean();
            var = s.var();
        }
        ObservationNormalizer norm = new ObservationNormalizer(mean, var, 100, 1e-8, 10);
        SavedPolicy saved = new SavedPolicy("test-random", Map.of("seed", Long.toString(seed)),
                Signatures.of(model, profile, observation), actor, null, norm, SavedPolicy.currentLibraryVersion());
        PolicyFile.save(saved, file);
        return file;
    }

    /**
     * A joint-q (DQN-style) policy with seeded random weights for {@code model}: one Q-value per joint action,
     * observations divided by 100 as RL4J's DQN sees them, saved with the signature of {@code profile}.
     */
    public static Path randomJointQPolicy(QuotaModel model, String profile, long seed, Path file) {
        int in = 3 * model.numServices();
        int out = Math.toIntExact(model.actionSpace().cardinality());
        double[] var = new double[in];
        java.util.Arrays.fill(var, 100 * 100);
        ObservationNormalizer scale = new ObservationNormalizer(new double[in], var, 0, 0, Double.POSITIVE_INFINITY);
        SavedPolicy saved = new SavedPolicy("rl4j-dqn", Map.of("seed", Long.toString(seed)),
                Signatures.of(model, profile), randomMlp(new int[] {in, 16, out}, Activation.RELU, 1, seed), null,
                scale, SavedPolicy.currentLibraryVersion(), ActorHead.JOINT_Q);
        PolicyFile.save(saved, file);
        return file;
    }

    /** An MLP of {@code sizes} with seeded Gaussian weights of standard deviation {@code scale} and zero biases. */
    private static Mlp randomMlp(int[] sizes, Activation hidden, double scale, long seed) {
        Rng rng = Rng.of(seed);
        double[][] w = new double[sizes.length - 1][];
        double[][] b = new double[sizes.length - 1][];
        for (int l = 0; l < w.length; l++) {
            w[l] = new double[sizes[l] * sizes[l + 1]];
            b[l] = new double[sizes[l + 1]];
            for (int i = 0; i < w[l].length; i++) {
                w[l][i] = rng.nextGaussian() * scale;
            }
        }
        return Mlp.of(sizes, hidden, w, b);
    }

    /** Records every spec; optionally fails on some calls. */
    public static class RecordingSink implements ActionSink {
        public final List<Map<String, String>> written = new ArrayList<>();

        @Override
        public String write(Map<String, String> spec) {
            written.add(new LinkedHashMap<>(spec));
            return "recorded";
        }
    }

    /**
     * The reference, computed without the agent: the predictions from the observed loads, then the simulator
     * ({@link QuotaEnv}) played over the rounded predictions with the same policy, rendered to specs.
     *
     * @param observed    per cycle, per service (model order), the load the agent read
     * @param predictor   the same predictor kind the agent uses
     */
    public static List<Map<String, String>> offlineSpecs(QuotaModel model, double[][] observed,
                                                         TrafficPredictor predictor, Policy<double[], int[]> policy) {
        QuotaEnv env = predictionsEnv(model, observed, predictor, Observation.PAPER);
        double[] obs = env.reset(0);
        List<Map<String, String>> specs = new ArrayList<>();
        for (int k = 0; k < observed.length; k++) {
            var r = env.step(policy.act(obs));
            specs.add(ScaleActionSpec.render(model, (Transition) r.info().get(QuotaEnv.TRANSITION)));
            obs = r.observation();
        }
        return specs;
    }

    /** The simulator over the rounded predictions of {@code predictor} from the observed loads. */
    public static QuotaEnv predictionsEnv(QuotaModel model, double[][] observed, TrafficPredictor predictor,
                                          Observation observation) {
        int n = model.numServices();
        double[][] traffic = new double[observed.length][n];
        for (int i = 0; i < n; i++) {
            double[] h = new double[0];
            for (int k = 0; k < observed.length; k++) {
                h = java.util.Arrays.copyOf(h, k + 1);
                h[k] = observed[k][i];
                traffic[k][i] = Math.round(predictor.predict(h));
            }
        }
        return new QuotaEnv(model, new Trace("predictions", model.serviceNames(), traffic), observation);
    }

    /** The saved policy at {@code file}, deterministic. */
    public static MultiCategoricalPolicy load(Path file) {
        return PolicyFile.load(file).policy();
    }

    public static AgentConfig write(Path dir, String yaml) throws Exception {
        Path f = dir.resolve("agent.yaml");
        Files.writeString(f, yaml);
        return AgentConfig.load(f);
    }
}
