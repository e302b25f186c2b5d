package dev.kdrl.env.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.paper.PaperProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class JointActionEvaluatorTest {

    /** The best reward {@link JointActionEvaluator#forEach} visits. */
    static double bestVisited(JointActionEvaluator ev, boolean finalStep) {
        double[] best = {Double.NEGATIVE_INFINITY};
        ev.forEach(finalStep, (index, action, change, reward) -> best[0] = Math.max(best[0], reward));
        return best[0];
    }

    /** Draws service {@code i}'s part of a random state: previous configuration, pods, held cores, load. */
    static void drawService(QuotaModel model, Rng rng, int i, int[] prevAction, int[] prevPod, double[] prevRes,
                            double[] traffic) {
        prevAction[i] = rng.nextInt(model.actionSpace().nvec()[i]);
        prevPod[i] = rng.nextInt(0, 12);
        double cpu = model.service(i).config(prevAction[i]).cpu();
        // sometimes more than the pods hold (the paper's truncation, a roll-out in progress)
        prevRes[i] = model.store(prevPod[i] * cpu + (rng.nextInt(4) == 0 ? rng.nextInt(0, 6) : 0));
        traffic[i] = rng.nextInt(0, 140);
    }

    @Test
    void bestRewardIsTheBestVisitedRewardBitForBitInRandomStates() {
        for (QuotaModel model : List.of(PaperProfile.model(), PaperProfile.generalModel())) {
            JointActionEvaluator ev = new JointActionEvaluator(model);
            Rng rng = Rng.of(11);
            int n = model.numServices();
            int overQuota = 0;
            for (int k = 0; k < 3000; k++) {
                int[] prevAction = new int[n];
                int[] prevPod = new int[n];
                double[] prevRes = new double[n];
                double[] traffic = new double[n];
                for (int i = 0; i < n; i++) {
                    drawService(model, rng, i, prevAction, prevPod, prevRes, traffic);
                }
                ev.load(prevAction, prevPod, prevRes, traffic);
                boolean finalStep = rng.nextInt(5) == 0;
                double best = ev.bestReward(finalStep);
                assertThat(best).as("state %d of %s", k, model.quirks()).isEqualTo(bestVisited(ev, finalStep));
                if (best == -100) {
                    overQuota++;
                }
            }
            // the states cover both: some where every action breaks the quota, most where some fits
            assertThat(overQuota).isPositive().isLessThan(1500);
        }
    }

    @Test
    void loadingServiceByServiceInAnyOrderIsLoadingTheState() {
        QuotaModel model = PaperProfile.model();
        JointActionEvaluator whole = new JointActionEvaluator(model);
        JointActionEvaluator parts = new JointActionEvaluator(model);
        int[] a = {20, 1, 3};
        int[] pods = {2, 4, 3};
        double[] res = {8.5f, 8, 3};
        double[] u = {57, 31, 44};
        whole.load(a, pods, res, u);
        // another state first, then each service of the one wanted, last service first
        parts.load(new int[] {0, 0, 0}, new int[] {9, 9, 9}, new double[] {1, 2, 3}, new double[] {5, 5, 5});
        for (int i = 2; i >= 0; i--) {
            parts.loadService(i, a[i], pods[i], res[i], u[i]);
        }
        double[] w = new double[whole.jointCount()];
        whole.forEach(false, (index, action, change, reward) -> w[index] = reward);
        double[] p = new double[parts.jointCount()];
        parts.forEach(false, (index, action, change, reward) -> p[index] = reward);
        assertThat(p).containsExactly(w);
        assertThat(parts.bestReward(false)).isEqualTo(whole.bestReward(false));
    }

    /** The first {@code k} best joint actions of a scan of {@link JointActionEvaluator#forEach}, ties by rank. */
    static List<String> topVisited(JointActionEvaluator ev, int k, boolean finalStep) {
        List<double[]> all = new ArrayList<>();
        ev.forEach(finalStep, (index, action, change, reward) -> {
            double[] row = new double[action.length + 2];
            row[0] = reward;
            row[1] = index;
            for (int i = 0; i < action.length; i++) {
                row[i + 2] = action[i];
            }
            all.add(row);
        });
        all.sort((x, y) -> x[0] != y[0] ? Double.compare(y[0], x[0]) : Double.compare(x[1], y[1]));
        List<String> out = new ArrayList<>();
        for (double[] row : all.subList(0, Math.min(k, all.size()))) {
            out.add(Arrays.toString(Arrays.copyOfRange(row, 2, row.length)).replace(".0", "") + "=" + row[0]);
        }
        return out;
    }

    @Test
    void topIsTheScansBestInOrderWithTiesByRankInRandomAndSimilarStates() {
        for (QuotaModel model : List.of(PaperProfile.model(), PaperProfile.generalModel())) {
            JointActionEvaluator ev = new JointActionEvaluator(model);
            Rng rng = Rng.of(12);
            int n = model.numServices();
            int[] prevAction = new int[n];
            int[] prevPod = new int[n];
            double[] prevRes = new double[n];
            double[] traffic = new double[n];
            int[][] actions = new int[16][n];
            double[] rewards = new double[16];
            int overQuota = 0;
            int tiedAtTheCut = 0;
            for (int s = 0; s < 2000; s++) {
                // every other state a small change of the previous one (as a planner's search visits them), so that
                // the previous call's actions bound the next; else a new random state
                boolean similar = s % 2 == 1;
                for (int i = 0; i < n; i++) {
                    if (similar) {
                        traffic[i] = Math.max(0, traffic[i] + rng.nextInt(-8, 9));
                        continue;
                    }
                    drawService(model, rng, i, prevAction, prevPod, prevRes, traffic);
                }
                ev.load(prevAction, prevPod, prevRes, traffic);
                boolean finalStep = rng.nextInt(5) == 0;
                int k = new int[] {1, 4, 16, 3}[s % 4];
                int count = ev.top(k, finalStep, actions, rewards);
                List<String> got = new ArrayList<>();
                for (int j = 0; j < count; j++) {
                    got.add(Arrays.toString(actions[j]) + "=" + rewards[j]);
                }
                List<String> want = topVisited(ev, k, finalStep);
                assertThat(got).as("state %d (k = %d) of %s", s, k, model.quirks()).isEqualTo(want);
                if (rewards[0] == -100) {
                    overQuota++;
                }
                if (topVisited(ev, k + 1, finalStep).get(k).endsWith("=" + rewards[k - 1])) {
                    tiedAtTheCut++;
                }
            }
            // the states cover every action over the quota, and ties across the k-th place (only the first by
            // rank kept)
            assertThat(overQuota).as("states with every action over quota").isPositive().isLessThan(1000);
            assertThat(tiedAtTheCut).as("states with a tie at the k-th place").isPositive();
        }
    }

    @Test
    void topRefusesFewerRowsThanAsked() {
        JointActionEvaluator ev = new JointActionEvaluator(PaperProfile.model());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ev.top(5, false, new int[4][3], new double[5]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k = 5");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ev.top(0, false, new int[4][3], new double[4]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k = 0");
    }
}
