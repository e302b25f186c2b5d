package dev.kdrl.train.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.core.rng.Rng;
import org.junit.jupiter.api.Test;

class ActorCriticTest {

    @Test
    void exactJacobianVectorProductMatchesCentralDifferences() {
        Rng rng = Rng.of(3);
        ActorCritic ac = new ActorCritic(5, new int[] {8, 6}, 7, 1e-3, 1e-3, rng);
        // move away from the tiny output init so every layer matters
        double[] theta = ac.actorParams();
        for (int i = 0; i < theta.length; i++) {
            theta[i] += 0.3 * rng.nextGaussian();
        }
        ac.setActorParams(theta);
        double[][] obs = new double[4][5];
        for (double[] o : obs) {
            for (int k = 0; k < o.length; k++) {
                o[k] = rng.nextGaussian();
            }
        }
        double[] v = new double[theta.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        double[][] exact = ac.jvp(obs).apply(v);
        double eps = 1e-6;
        double[] plus = theta.clone();
        double[] minus = theta.clone();
        for (int i = 0; i < theta.length; i++) {
            plus[i] += eps * v[i];
            minus[i] -= eps * v[i];
        }
        ac.setActorParams(plus);
        double[][] lp = ac.logits(obs);
        ac.setActorParams(minus);
        double[][] lm = ac.logits(obs);
        for (int s = 0; s < obs.length; s++) {
            for (int k = 0; k < 7; k++) {
                assertThat(exact[s][k]).isCloseTo((lp[s][k] - lm[s][k]) / (2 * eps), within(1e-6));
            }
        }
    }

    @Test
    void exportedNetworksComputeWhatDl4jComputes() {
        Rng rng = Rng.of(4);
        ActorCritic ac = new ActorCritic(3, new int[] {5}, 4, 1e-3, 1e-3, rng);
        double[][] obs = {{0.1, -0.5, 2.0}, {1, 1, 1}};
        double[][] logits = ac.logits(obs);
        double[] values = ac.values(obs);
        // the passes on reused buffers compute what DL4J's own output() computes
        double[][] dl4jLogits = ac.actor().output(org.nd4j.linalg.factory.Nd4j.create(obs), false).toDoubleMatrix();
        double[][] dl4jValues = ac.critic().output(org.nd4j.linalg.factory.Nd4j.create(obs), false).toDoubleMatrix();
        for (int s = 0; s < obs.length; s++) {
            assertThat(logits[s]).containsExactly(dl4jLogits[s], within(1e-12));
            assertThat(values[s]).isCloseTo(dl4jValues[s][0], within(1e-12));
        }
        for (int s = 0; s < obs.length; s++) {
            assertThat(ac.exportActor().forward(obs[s])).containsExactly(logits[s], within(1e-12));
            assertThat(ac.exportCritic().forward(obs[s])[0]).isCloseTo(values[s], within(1e-12));
        }
    }
}
