package dev.kdrl.env.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.core.env.EnvChecker;
import dev.kdrl.core.env.StepResult;
import dev.kdrl.core.predict.Predictors;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.Observation;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ClusterEnvTest {
    static final Trace TRAIN = TraceCsv.read(Path.of("../datasets/paper/train-200.csv"));
    static final Trace TEST = TraceCsv.read(Path.of("../datasets/paper/test-20.csv"));

    static ClusterEnv env(Trace trace, ClusterEnv.Options options) {
        return new ClusterEnv(PaperProfile.generalModel(), ClusterParams.DEFAULTS, trace, options);
    }

    @Test
    void passesTheEnvChecker() {
        EnvChecker.check(env(TRAIN, ClusterEnv.Options.defaults()), 1, 450);
        EnvChecker.check(env(TEST, ClusterEnv.Options.defaults().withObservation(Observation.FULL)
                .withPredictor(Predictors.create("holt", Predictors.Settings.defaults()))), 2, 60);
        EnvChecker.check(env(TEST, ClusterEnv.Options.defaults().withMinScale(ClusterEnv.MinScale.NONE)
                .withReward(ClusterReward.SLO_CORES)), 3, 60);
        EnvChecker.check(new ClusterEnv(PaperProfile.model(), ClusterParams.DEFAULTS, TEST,
                ClusterEnv.Options.defaults()), 4, 40);
        EnvChecker.check(env(TEST, ClusterEnv.Options.defaults().withMinScale(ClusterEnv.MinScale.PAPER)), 5, 60);
    }

    /**
     * min-scale {@code paper} (the live agent's default): each decision's min-scale is the paper model's pod count on
     * its own bookkeeping of the decisions, and the observation shows that bookkeeping, as the agent sees it; the
     * paper model keeps pods the load no longer needs, which {@code decision} would not.
     */
    @Test
    void paperMinScaleSetsAndShowsThePaperModelsBookkeeping() {
        dev.kdrl.env.quota.QuotaModel model = PaperProfile.generalModel();
        ClusterEnv e = env(TEST, ClusterEnv.Options.defaults().withMinScale(ClusterEnv.MinScale.PAPER));
        e.reset(0);
        dev.kdrl.env.quota.InitialState init = model.initial();
        dev.kdrl.env.quota.QuotaState book = model.resume(0, init.action(), init.pods(), init.resources(),
                e.predictedLoad());
        assertThat(e.state().observation()).containsExactly(book.observation());
        int[] action = {20, 1, 3};
        int kept = 0;
        for (int k = 0; k < TEST.length(); k++) {
            dev.kdrl.env.quota.Transition t = model.decide(book, action);
            double[] shown = e.predictedLoad();
            e.step(action);
            for (int i = 0; i < action.length; i++) {
                assertThat(e.latestMinScale(i)).as("step %d, service %d", k, i).isEqualTo(t.pods()[i]);
                if (t.pods()[i] > model.podsNeeded(i, action[i], shown[i])) {
                    kept++;
                }
            }
            book = model.resume(k + 1, action, t.pods(), t.resources(), e.predictedLoad());
            assertThat(e.state().observation()).as("step %d", k).containsExactly(book.observation());
            assertThat(e.state().prevPod()).containsExactly(t.pods());
        }
        assertThat(kept).as("decisions whose pods the paper model kept above the need").isPositive();
    }

    /**
     * A cluster has no episode end: with the paper profile, over a trace longer than the published episode, the
     * decision state counts its steps as the live agent does, so no decision is taken or observed as that episode's
     * special last one (greedy would plan it at half weight, and {@code paper}'s bookkeeping would not update).
     */
    @Test
    void thePaperProfilesLastStepIsNeverReachedAsInTheLiveAgent() {
        dev.kdrl.env.quota.QuotaModel model = PaperProfile.model();
        assertThat(TRAIN.length()).isGreaterThanOrEqualTo(dev.kdrl.env.quota.QuotaModel.PAPER_TIME_LIMIT);
        for (ClusterEnv.MinScale minScale : ClusterEnv.MinScale.values()) {
            ClusterEnv e = new ClusterEnv(model, ClusterParams.DEFAULTS, TRAIN, ClusterEnv.Options.defaults()
                    .withObservation(Observation.FULL).withMinScale(minScale));
            e.reset(0);
            int[] action = {20, 1, 3};
            for (int k = 0; k < TRAIN.length(); k++) {
                assertThat(e.state().step()).as("%s, step %d", minScale, k).isEqualTo(model.liveStep(k));
                assertThat(model.isPaperFinalStep(e.state().step())).as("%s, step %d", minScale, k).isFalse();
                e.step(action);
            }
        }
    }

    @Test
    void stepBeforeResetAndAfterTheEndFail() {
        ClusterEnv e = env(TEST, ClusterEnv.Options.defaults());
        assertThatThrownBy(() -> e.step(new int[] {0, 0, 0})).isInstanceOf(IllegalStateException.class);
        e.reset(0);
        assertThatThrownBy(() -> e.step(new int[] {22, 0, 0})).isInstanceOf(IllegalArgumentException.class);
        for (int k = 0; k < TEST.length(); k++) {
            StepResult<double[]> r = e.step(new int[] {20, 1, 3});
            assertThat(r.truncated()).isEqualTo(k == TEST.length() - 1);
        }
        assertThatThrownBy(() -> e.step(new int[] {0, 0, 0})).isInstanceOf(IllegalStateException.class);
    }

    /** The policy sees the prediction (last value: the previous row), the simulator plays the actual row. */
    @Test
    void policySeesThePredictionAndTheSimulatorPlaysTheActualLoad() {
        ClusterEnv e = env(TEST, ClusterEnv.Options.defaults()
                .withPredictor(Predictors.create("last-value", Predictors.Settings.defaults())));
        double[] obs = e.reset(0);
        assertThat(obs[2]).isEqualTo(TEST.value(0, 0));
        StepResult<double[]> r = e.step(new int[] {20, 1, 3});
        // after step 0 the policy is shown row 0 again (last value of rows 0..0) for period 1
        assertThat(r.observation()[2]).isEqualTo(TEST.value(0, 0));
        assertThat(r.observation()[5]).isEqualTo(TEST.value(0, 1));
        ServicePeriod[] p = (ServicePeriod[]) r.info().get(ClusterEnv.PERIODS);
        assertThat(p[0].offeredRequests()).isPositive();
        // period 1 plays rows 1 to 2, which the policy has not seen: a trace with house's rows from 1 on doubled shows
        // the policy the same observation for period 1, and offers house twice the requests in it
        double[][] rows = new double[TEST.length()][];
        for (int k = 0; k < rows.length; k++) {
            rows[k] = TEST.row(k).clone();
            if (k >= 1) {
                rows[k][0] *= 2;
            }
        }
        ClusterEnv doubled = env(new Trace("doubled", TEST.columns(), rows), ClusterEnv.Options.defaults()
                .withPredictor(Predictors.create("last-value", Predictors.Settings.defaults())));
        doubled.reset(0);
        StepResult<double[]> d = doubled.step(new int[] {20, 1, 3});
        assertThat(d.observation()[2]).isEqualTo(r.observation()[2]);
        ServicePeriod[] p1 = (ServicePeriod[]) e.step(new int[] {20, 1, 3}).info().get(ClusterEnv.PERIODS);
        ServicePeriod[] d1 = (ServicePeriod[]) doubled.step(new int[] {20, 1, 3}).info().get(ClusterEnv.PERIODS);
        assertThat(d1[0].offeredRequests()).isCloseTo(2 * p1[0].offeredRequests(),
                org.assertj.core.api.Assertions.within(1e-6 * p1[0].offeredRequests()));
        assertThat(d1[1].offeredRequests()).isEqualTo(p1[1].offeredRequests());
    }

    /** Knative's default: a fixed configuration rolls out once, then the KPA alone; no min-scale. */
    @Test
    void knativeDefaultRollsOutOnce() {
        ClusterEnv e = env(TRAIN, ClusterEnv.Options.defaults().withMinScale(ClusterEnv.MinScale.NONE));
        e.reset(0);
        int revisions = 0;
        for (int k = 0; k < TRAIN.length(); k++) {
            ServicePeriod[] p = (ServicePeriod[]) e.step(new int[] {0, 0, 0}).info().get(ClusterEnv.PERIODS);
            for (ServicePeriod s : p) {
                revisions += s.revisions();
            }
        }
        assertThat(revisions).isEqualTo(3);
    }

    @Test
    void sameActionsSameTrajectory() {
        ClusterEnv a = env(TRAIN, ClusterEnv.Options.defaults());
        ClusterEnv b = env(TRAIN, ClusterEnv.Options.defaults());
        a.reset(1);
        b.reset(2);
        dev.kdrl.core.rng.Rng rng = dev.kdrl.core.rng.Rng.of(7);
        for (int k = 0; k < 50; k++) {
            int[] act = a.actionSpace().sample(rng);
            StepResult<double[]> ra = a.step(act);
            StepResult<double[]> rb = b.step(act);
            assertThat(ra.reward()).isEqualTo(rb.reward());
            assertThat(ra.observation()).containsExactly(rb.observation());
        }
    }
}
