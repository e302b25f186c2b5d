package dev.kdrl.env.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.paper.PaperProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

class JointActionEvaluatorTest {

    /** The best reward {@link JointActionEvaluator#forEach} visits. */
    static double bestVisited(JointActionEvaluator ev, boolean finalStep) {
        double[] best = {Double.NEGATIVE_INFINITY};
        ev.forEach(finalStep, (index, action, change, reward) -> best[0] = Math.max(best[0], reward));
        return best[0];
    }

    @Test
    void bestRewardIsTheBestVisitedRewardBitForBitInRandomStates() {
        for (QuotaModel model : List.of(PaperProfile.model(), PaperProfile.generalModel())) {
            JointActionEvaluator ev = new JointActionEvaluator(model);
            Rng rng = Rng.of(11);
            int n = model.numServices();
            int overQuota = 0;
            for (int k = 0; k < 3000; k++) {
                int[] prevAction = model.actionSpace().sample(rng);
                int[] prevPod = new int[n];
                double[] prevRes = new double[n];
                double[] traffic = new double[n];
                for (int i = 0; i < n; i++) {
                    prevPod[i] = rng.nextInt(0, 12);
                    double cpu = model.service(i).config(prevAction[i]).cpu();
                    // sometimes more than the pods hold (the paper's truncation, a roll-out in progress)
                    prevRes[i] = model.store(prevPod[i] * cpu + (rng.nextInt(4) == 0 ? rng.nextInt(0, 6) : 0));
                    traffic[i] = rng.nextInt(0, 140);
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
}
