package dev.kdrl.env.metrics;

import dev.kdrl.core.env.StepResult;
import dev.kdrl.core.policy.Policy;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.quota.Transition;
import java.util.ArrayList;
import java.util.List;

/** Plays whole episodes of a policy on a {@link QuotaEnv} and measures them. */
public final class EpisodeRunner {

    private EpisodeRunner() {
    }

    /** One decision of an episode: what was seen, done and obtained. */
    public record Step(double[] observation, int[] action, double reward, Transition transition) {
    }

    /** A played episode: its metrics and every step. */
    public record Episode(EpisodeMetrics metrics, List<Step> steps) {
    }

    /** Plays one episode from {@code env.reset(seed)} to its end. */
    public static Episode run(QuotaEnv env, Policy<double[], int[]> policy, long seed) {
        java.util.Objects.requireNonNull(env, "env");
        java.util.Objects.requireNonNull(policy, "policy");
        QuotaModel model = env.model();
        int n = model.numServices();
        policy.reset();
        double[] obs = env.reset(seed);
        List<Step> steps = new ArrayList<>(env.episodeLength());
        double ret = 0;
        int overQuota = 0;
        int overlap = 0;
        double cpuSum = 0;
        double cpuMax = 0;
        double[] latency = new double[n];
        int revisions = 0;
        int podChanges = 0;
        boolean done = false;
        while (!done) {
            QuotaState before = env.state();
            int[] action = policy.act(obs);
            StepResult<double[]> r = env.step(action);
            Transition t = (Transition) r.info().get(QuotaEnv.TRANSITION);
            steps.add(new Step(obs, action.clone(), r.reward(), t));
            ret += r.reward();
            if (t.total() > model.quota()) {
                overQuota++;
            }
            if (t.totalUpdate() > model.quota()) {
                overlap++;
            }
            cpuSum += t.total();
            cpuMax = Math.max(cpuMax, t.total());
            int[] prevPod = before.prevPod();
            for (int i = 0; i < n; i++) {
                latency[i] += model.service(i).config(action[i]).latencyMs() / model.service(i).sloMs();
                if (t.pods()[i] != prevPod[i]) {
                    podChanges++;
                }
            }
            revisions += t.revisionsCreated();
            obs = r.observation();
            done = r.done();
        }
        int count = steps.size();
        for (int i = 0; i < n; i++) {
            latency[i] /= count;
        }
        EpisodeMetrics m = new EpisodeMetrics(policy.name(), env.trace().source(), count, ret, overQuota, overlap,
                cpuSum / count, cpuMax, model.serviceNames(), latency, revisions, podChanges);
        return new Episode(m, steps);
    }

    /** Only the undiscounted return of one episode (no per-step records kept). */
    public static double episodeReturn(QuotaEnv env, Policy<double[], int[]> policy, long seed) {
        policy.reset();
        double[] obs = env.reset(seed);
        double ret = 0;
        while (true) {
            StepResult<double[]> r = env.step(policy.act(obs));
            ret += r.reward();
            if (r.done()) {
                return ret;
            }
            obs = r.observation();
        }
    }
}
