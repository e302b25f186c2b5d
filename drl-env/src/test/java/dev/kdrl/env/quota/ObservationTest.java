package dev.kdrl.env.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.core.env.EnvChecker;
import dev.kdrl.core.env.StepResult;
import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ObservationTest {
    private static final Trace TRAIN = TraceCsv.read(Path.of("../datasets/paper/train-200.csv"));
    private static final QuotaModel PAPER = PaperProfile.model();

    @Test
    void theLabelPaperNamesThePublishedModelAndOnlyIt() {
        assertThat(Signatures.of(PaperProfile.model(), "paper").profile()).isEqualTo("paper");
        assertThat(Signatures.of(PaperProfile.generalModel(), "paper-general").profile()).isEqualTo("paper-general");
        assertThatThrownBy(() -> Signatures.of(PaperProfile.generalModel(), "paper"))
                .hasMessageContaining("this model has no quirks (name it 'paper-general' or by its profile file)");
        assertThatThrownBy(() -> Signatures.of(PaperProfile.model(), "paper-general"))
                .hasMessageContaining("this model has the published quirks, so it must be named 'paper', got "
                        + "'paper-general'");
    }

    @Test
    void thePaperObservationIsThePublishedOneUnchanged() {
        QuotaEnv published = new QuotaEnv(PAPER, TRAIN);
        QuotaEnv paper = new QuotaEnv(PAPER, TRAIN, Observation.PAPER);
        Rng rng = Rng.of(3);
        assertThat(paper.reset(0)).containsExactly(published.reset(0));
        assertThat(paper.observationSpace()).isEqualTo(PAPER.observationSpace());
        while (!paper.episodeOver()) {
            int[] a = paper.actionSpace().sample(rng);
            StepResult<double[]> p = paper.step(a);
            StepResult<double[]> q = published.step(a);
            assertThat(p.observation()).containsExactly(q.observation());
            assertThat(p.reward()).isEqualTo(q.reward());
        }
    }

    @Test
    void theFullObservationKeepsTheEnvContractAndTheSameDynamics() {
        QuotaEnv full = new QuotaEnv(PAPER, TRAIN, Observation.FULL);
        EnvChecker.check(full, 0, 400);
        assertThat(full.observationSpace().flatSize()).isEqualTo(Observation.FULL.size(PAPER))
                .isEqualTo(2 + 3 * 5 + 4 * (22 + 7 + 8));
        // same rewards as the published environment for the same actions
        QuotaEnv published = new QuotaEnv(PAPER, TRAIN);
        full.reset(0);
        published.reset(0);
        Rng rng = Rng.of(5);
        while (!full.episodeOver()) {
            int[] a = full.actionSpace().sample(rng);
            assertThat(full.step(a).reward()).isEqualTo(published.step(a).reward());
            assertThat(full.state()).isEqualTo(published.state());
        }
    }

    @Test
    void everyComponentOfTheFullObservationIsWhatItSays() {
        QuotaEnv env = new QuotaEnv(PAPER, TRAIN, Observation.FULL);
        env.reset(0);
        Rng rng = Rng.of(11);
        for (int t = 0; t < 30; t++) {
            env.step(env.actionSpace().sample(rng));
        }
        QuotaState s = env.state();
        double[] o = Observation.FULL.of(PAPER, s);
        double q = PAPER.quota();
        int k = 0;
        double held = 0;
        for (int i = 0; i < 3; i++) {
            ServiceProfile svc = PAPER.service(i);
            int n = svc.numActions();
            assertThat(Arrays.copyOfRange(o, k, k + 3)).containsExactly(Arrays.copyOfRange(s.observation(), 3 * i,
                    3 * i + 3));
            assertThat(Observation.FULL.trafficIndex(PAPER, i)).isEqualTo(k + 2);
            assertThat(o[k + 2]).isEqualTo(s.traffic()[i]);
            k += 3;
            for (int a = 0; a < n; a++) {
                assertThat(o[k + a]).as("one-hot of the previous configuration").isEqualTo(a == s.prevAction()[i] ? 1 : 0);
            }
            k += n;
            assertThat(o[k++]).isEqualTo(s.prevPod()[i]);
            assertThat(o[k++]).isEqualTo(s.prevRes()[i] / q);
            held += s.prevRes()[i];
            for (int a = 0; a < n; a++) {
                int pods = PAPER.podsNeeded(i, a, s.traffic()[i]);
                assertThat(o[k + a]).isEqualTo(PAPER.requestedCores(pods, svc.config(a).cpu()) / q);
                ScaleKind kind = PAPER.kind(i, s.prevAction()[i], s.prevPod()[i], a, pods, false);
                assertThat(o[k + n + a]).isEqualTo(PAPER.added(kind, pods, s.prevPod()[i], svc.config(a).cpu()) / q);
                int[] joint = s.prevAction();
                joint[i] = a;
                assertThat(o[k + 2 * n + a]).isEqualTo(PAPER.reward(PAPER.decide(s, joint), false) / 1000);
            }
            k += 3 * n;
        }
        assertThat(o[k++]).isEqualTo((q - held) / q);
        assertThat(o[k++]).isZero();
        assertThat(k).isEqualTo(o.length);
    }

    @Test
    void theFullObservationMarksThePublishedFinalStep() {
        QuotaEnv env = new QuotaEnv(PAPER, TRAIN, Observation.FULL);
        double[] o = env.reset(0);
        int[] keep = PAPER.initial().action();
        for (int t = 0; t < 199; t++) {
            assertThat(o[o.length - 1]).as("step %d", t).isZero();
            o = env.step(keep).observation();
        }
        assertThat(o[o.length - 1]).isEqualTo(1);
        // the general model has no special step
        QuotaModel general = PaperProfile.generalModel();
        QuotaEnv g = new QuotaEnv(general, TRAIN, Observation.FULL);
        double[] go = g.reset(0);
        for (int t = 0; t < 199; t++) {
            go = g.step(general.initial().action()).observation();
        }
        assertThat(go[go.length - 1]).isZero();
    }

    @Test
    void kindsAreParsedByTheirLabels() {
        assertThat(Observation.parse("full")).isEqualTo(Observation.FULL);
        assertThat(Observation.parse(" PAPER ")).isEqualTo(Observation.PAPER);
        assertThatThrownBy(() -> Observation.parse("markov"))
                .hasMessage("observation kind 'markov' is not one of paper, full");
        assertThat(Signatures.of(PAPER, "paper", Observation.FULL).observation()).isEqualTo("full");
        assertThat(Signatures.of(PAPER, "paper").observation()).isEqualTo("paper");
        assertThat(Signatures.of(PAPER, "paper", Observation.FULL).differences(Signatures.of(PAPER, "paper")))
                .containsExactly("observation full vs paper", "observation size 165 vs 9");
    }
}
