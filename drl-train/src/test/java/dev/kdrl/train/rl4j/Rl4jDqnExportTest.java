package dev.kdrl.train.rl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.core.policy.Activation;
import dev.kdrl.core.policy.ActorHead;
import dev.kdrl.core.policy.JointQPolicy;
import dev.kdrl.core.policy.PolicyFile;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.core.space.MultiDiscrete;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.Signatures;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class Rl4jDqnExportTest {
    static final Trace TEST = TraceCsv.read(Path.of("../datasets/paper/test-20.csv"));

    @Test
    void theExportedPolicyComputesRl4jsQValuesAndActions(@TempDir Path dir) {
        // past updateStart (1,000), so the network has been trained a little
        Rl4jDqn.Result r = Rl4jDqn.train(() -> PaperProfile.env(TEST), 1_200, 3, 0.001, 100);
        SavedPolicy exported = Rl4jDqn.export(r, Signatures.of(PaperProfile.model(), "paper"));
        Path file = dir.resolve("model.zip");
        PolicyFile.save(exported, file);
        SavedPolicy saved = PolicyFile.load(file);
        assertThat(saved).isEqualTo(exported);
        assertThat(saved.algorithm()).isEqualTo("rl4j-dqn");
        assertThat(saved.head()).isEqualTo(ActorHead.JOINT_Q);
        assertThat(saved.hasCritic()).isFalse();
        assertThat(saved.actor().layerSizes()).containsExactly(9, 128, 128, 1232);
        assertThat(saved.actor().hiddenActivation()).isEqualTo(Activation.RELU);
        assertThat(saved.hyperParameters()).containsEntry("maxStep", "1200").containsEntry("seed", "3")
                .containsEntry("batchSize", "64").containsEntry("gamma", "0.99").containsEntry("doubleDQN", "true")
                .containsEntry("rewardFactor", "0.001").containsEntry("numHiddenNodes", "128")
                .containsEntry("observationScale", "100.0");

        MultiLayerNetwork net = Rl4jDqn.network(r.policy());
        assertThat(net.getLayerWiseConfigurations().getDataType()).isEqualTo(DataType.FLOAT);
        // the same network computing in double: the export must match it to rounding (weights widen exactly)
        MultiLayerNetwork wide = net.convertDataType(DataType.DOUBLE);
        JointQPolicy ours = saved.jointQPolicy();
        // observations of an episode played by the exported policy, and some beyond the trace's range
        List<double[]> observations = new ArrayList<>();
        QuotaEnv env = PaperProfile.env(TEST);
        double[] obs = env.reset(0);
        while (true) {
            observations.add(obs);
            var step = env.step(ours.act(obs));
            if (step.done()) {
                break;
            }
            obs = step.observation();
        }
        SplittableRandom rnd = new SplittableRandom(7);
        for (int k = 0; k < 10; k++) {
            double[] o = new double[9];
            for (int i = 0; i < 9; i++) {
                o[i] = rnd.nextDouble(0, 400);
            }
            observations.add(o);
        }
        MultiDiscrete space = new MultiDiscrete(22, 7, 8);
        int clear = 0;
        for (double[] o : observations) {
            double[] x = new double[9];
            for (int i = 0; i < 9; i++) {
                x[i] = o[i] / 100;
            }
            INDArray in = Nd4j.create(x).reshape(1, 9);
            double[] rl4j = net.output(in).toDoubleVector();
            double[] exact = wide.output(in.castTo(DataType.DOUBLE)).toDoubleVector();
            double[] q = ours.qValues(o);
            double[] mlp = saved.actor().forward(x);
            assertThat(q).hasSize(1232);
            double scale = 1;
            for (double v : rl4j) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int j = 0; j < q.length; j++) {
                assertThat(mlp[j]).as("Mlp %d", j).isCloseTo(exact[j], within(1e-9));
                assertThat(q[j]).as("Q %d", j).isCloseTo(exact[j], within(1e-9));
                // RL4J's own float32 output: within 1e-6 of the Q-values' scale (a float's ulp at 12 is 9.5e-7;
                // measured: 2.5e-7 at most)
                assertThat(q[j]).as("Q %d vs float32", j).isCloseTo(rl4j[j], within(1e-6 * scale));
            }
            int rl4jAction = r.policy().nextAction(in);
            int best = ours.greedyIndex(o);
            double second = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < q.length; j++) {
                if (j != best) {
                    second = Math.max(second, q[j]);
                }
            }
            if (q[best] - second > 1e-5) {
                // not a float32 near-tie: both pick the same flat action, unflattened as QuotaMdp does
                clear++;
                assertThat(best).isEqualTo(rl4jAction);
                assertThat(ours.act(o)).containsExactly(r.mdp().jointAction(rl4jAction))
                        .containsExactly(space.unflatten(rl4jAction));
            } else {
                assertThat(q[rl4jAction]).isCloseTo(q[best], within(1e-5));
            }
        }
        assertThat(clear).as("observations without a near-tie").isGreaterThan(observations.size() * 3 / 4);
    }
}
