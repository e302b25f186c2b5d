package dev.kdrl.env.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.quota.Transition;
import org.junit.jupiter.api.Test;

class GreedyPolicyTest {

    private static QuotaState state(QuotaModel m, int[] action, int[] pods, double[] traffic) {
        double[] res = new double[action.length];
        for (int i = 0; i < action.length; i++) {
            res[i] = pods[i] * m.service(i).config(action[i]).cpu();
        }
        return new QuotaState(1, action, pods, res, traffic, m.observation(res, action, traffic));
    }

    /**
     * When no joint action fits the quota, every one earns the over-quota reward: greedy takes the one that holds
     * the least CPU after the decision, found here by trying every joint action on the model, not the first in
     * order (which asks for 63.5 cores under a 40-core quota in this state).
     */
    @Test
    void whenNothingFitsTheQuotaGreedyTakesTheLeastCpu() {
        QuotaModel m = PaperProfile.model();
        QuotaState s = state(m, new int[] {21, 1, 2}, new int[] {2, 12, 6}, new double[] {20, 200, 10});
        double least = Double.POSITIVE_INFINITY;
        int[] leastAction = null;
        int[] nvec = m.actionSpace().nvec();
        for (int a = 0; a < nvec[0]; a++) {
            for (int b = 0; b < nvec[1]; b++) {
                for (int c = 0; c < nvec[2]; c++) {
                    Transition t = m.decide(s, new int[] {a, b, c});
                    assertThat(m.reward(t, false)).as("no joint action fits").isEqualTo(-100);
                    if (t.total() < least) {
                        least = t.total();
                        leastAction = new int[] {a, b, c};
                    }
                }
            }
        }
        assertThat(m.decide(s, new int[] {0, 0, 0}).total()).isEqualTo(63.5);
        int[] chosen = new GreedyPolicy(m, () -> s).act(null);
        assertThat(chosen).containsExactly(leastAction);
        assertThat(m.decide(s, chosen).total()).isEqualTo(least).isLessThan(63.5);
    }

    /** Where some joint action fits, greedy is the best immediate reward, as before. */
    @Test
    void whenSomethingFitsGreedyTakesTheBestReward() {
        QuotaModel m = PaperProfile.model();
        QuotaState s = state(m, new int[] {21, 1, 2}, new int[] {2, 2, 2}, new double[] {20, 30, 10});
        int[] chosen = new GreedyPolicy(m, () -> s).act(null);
        double best = Double.NEGATIVE_INFINITY;
        int[] nvec = m.actionSpace().nvec();
        for (int a = 0; a < nvec[0]; a++) {
            for (int b = 0; b < nvec[1]; b++) {
                for (int c = 0; c < nvec[2]; c++) {
                    best = Math.max(best, m.reward(m.decide(s, new int[] {a, b, c}), false));
                }
            }
        }
        assertThat(best).isPositive();
        assertThat(m.reward(m.decide(s, chosen), false)).isEqualTo(best);
    }
}
