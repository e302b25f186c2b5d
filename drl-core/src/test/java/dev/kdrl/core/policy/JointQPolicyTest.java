package dev.kdrl.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.core.rng.Rng;
import dev.kdrl.core.space.MultiDiscrete;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JointQPolicyTest {
    static final int[] NVEC = {2, 3};

    /** One input {@code x}, six Q-values {@code q_j = slope_j * x + bias_j}, no hidden layer. */
    static Mlp linear(double[] slopes, double[] biases) {
        return Mlp.of(new int[] {1, slopes.length}, Activation.RELU, new double[][] {slopes},
                new double[][] {biases});
    }

    /** The observation scaling of RL4J's DQN (obs / 100) as a normaliser. */
    static ObservationNormalizer divideBy100(int n) {
        double[] var = new double[n];
        Arrays.fill(var, 100 * 100);
        return new ObservationNormalizer(new double[n], var, 0, 0, Double.POSITIVE_INFINITY);
    }

    @Test
    void actsOnTheHighestQValueUnflattenedLexicographically() {
        // q = {0, 1, 2, 3, 4, 5} * x: for x > 0 the last joint action wins, for x < 0 the first
        JointQPolicy p = JointQPolicy.of(linear(new double[] {0, 1, 2, 3, 4, 5}, new double[6]), null, NVEC);
        assertThat(p.greedyIndex(new double[] {1})).isEqualTo(5);
        assertThat(p.act(new double[] {1})).containsExactly(1, 2);
        assertThat(p.greedyIndex(new double[] {-1})).isEqualTo(0);
        assertThat(p.act(new double[] {-1})).containsExactly(0, 0);
        // component 0 is the most significant: flat index 3 is [1, 0] (not [0, 1] nor [1, 1])
        double[] onlyThree = {0, 0, 0, 1, 0, 0};
        JointQPolicy three = JointQPolicy.of(linear(new double[6], onlyThree), null, NVEC);
        assertThat(three.act(new double[] {7})).containsExactly(1, 0);
        double[] onlyTwo = {0, 0, 1, 0, 0, 0};
        assertThat(JointQPolicy.of(linear(new double[6], onlyTwo), null, NVEC).act(new double[] {7}))
                .containsExactly(0, 2);
        for (int j = 0; j < 6; j++) {
            double[] b = new double[6];
            b[j] = 1;
            int[] a = JointQPolicy.of(linear(new double[6], b), null, NVEC).act(new double[] {0});
            assertThat(a).as("index %d", j).containsExactly(new MultiDiscrete(NVEC).unflatten(j));
            assertThat(a).as("index %d", j).containsExactly(j / 3, j % 3);
        }
    }

    @Test
    void tiesGoToTheLowestFlatIndex() {
        JointQPolicy p = JointQPolicy.of(linear(new double[6], new double[] {0, 1, 5, 2, 5, 5}), null, NVEC);
        assertThat(p.greedyIndex(new double[] {3})).isEqualTo(2);
        assertThat(p.act(new double[] {3})).containsExactly(0, 2);
        JointQPolicy flat = JointQPolicy.of(linear(new double[6], new double[6]), null, NVEC);
        assertThat(flat.act(new double[] {3})).containsExactly(0, 0);
        assertThat(JointQPolicy.argmax(new double[] {Double.NaN, -1, Double.NaN, 4, 4})).isEqualTo(3);
    }

    @Test
    void qValuesAreTheNetworkOnTheNormalisedObservation() {
        SplittableRandom r = new SplittableRandom(3);
        Mlp net = TestNets.random(new int[] {4, 8, 8, 6}, Activation.RELU, r, 1);
        JointQPolicy p = JointQPolicy.of(net, divideBy100(4), NVEC);
        double[] obs = {10, 250, 34, 0};
        double[] expected = net.forward(new double[] {0.1, 2.5, 0.34, 0});
        double[] q = p.qValues(obs);
        for (int j = 0; j < q.length; j++) {
            assertThat(q[j]).isCloseTo(expected[j], within(1e-12));
        }
        // no clipping: RL4J divides by 100 and nothing else
        assertThat(divideBy100(1).normalize(new double[] {1000})[0]).isCloseTo(10.0, within(1e-12));
        assertThat(divideBy100(1).normalize(new double[] {5000})[0]).isCloseTo(50.0, within(1e-12));
        assertThat(obs).containsExactly(10, 250, 34, 0);
        assertThatThrownBy(() -> p.qValues(new double[] {1, 2, 3}))
                .hasMessage("observation has length 3, the policy expects 4");
        assertThatThrownBy(() -> p.act(new double[] {1, Double.NaN, 3, 4}))
                .hasMessage("observation[1] is NaN (expected a finite number)");
        assertThat(p.withName("dqn").name()).isEqualTo("dqn");
        assertThat(p.name()).isEqualTo("joint-q");
        assertThat(p.actionSpace()).isEqualTo(new MultiDiscrete(NVEC));
    }

    @Test
    void theNetworkMustHaveOneOutputPerJointAction() {
        assertThatThrownBy(() -> JointQPolicy.of(linear(new double[5], new double[5]), null, NVEC))
                .hasMessage("the Q-network has 5 outputs, nvec [2, 3] needs prod(nvec) = 6");
        assertThatThrownBy(() -> JointQPolicy.of(linear(new double[6], new double[6]), divideBy100(2), NVEC))
                .hasMessage("the normalizer has size 2, the Q-network's input size is 1");
    }

    /** A paper-sized joint-q policy: 9 → 16 → 1232 (relu), observations divided by 100, no critic. */
    static SavedPolicy paperJointQ(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Mlp q = TestNets.random(new int[] {9, 16, 1232}, Activation.RELU, r, 0.5);
        return new SavedPolicy("rl4j-dqn", Map.of("gamma", "0.99", "batchSize", "64"), TestNets.paper(), q, null,
                divideBy100(9), SavedPolicy.currentLibraryVersion(), ActorHead.JOINT_Q);
    }

    @Test
    void savedPolicyChecksTheOutputSizeAgainstTheHead() {
        SplittableRandom r = new SplittableRandom(1);
        Mlp logits = TestNets.random(new int[] {9, 4, 37}, Activation.TANH, r, 1);
        Mlp q = TestNets.random(new int[] {9, 4, 1232}, Activation.RELU, r, 1);
        assertThatThrownBy(() -> new SavedPolicy("rl4j-dqn", Map.of(), TestNets.paper(), logits, null, null, "v",
                ActorHead.JOINT_Q))
                .hasMessage("the joint-q actor has 37 outputs, the environment's nvec [22, 7, 8] needs prod(nvec) = "
                        + "1232 (one Q-value per joint action)");
        assertThatThrownBy(() -> new SavedPolicy("trpo", Map.of(), TestNets.paper(), q, null, null, "v",
                ActorHead.MULTI_CATEGORICAL))
                .hasMessage("the actor has 1232 outputs, the environment's nvec [22, 7, 8] needs sum(nvec) = 37");
        assertThatThrownBy(() -> new SavedPolicy("trpo", Map.of(), TestNets.paper(), q, null, null, "v"))
                .hasMessage("the actor has 1232 outputs, the environment's nvec [22, 7, 8] needs sum(nvec) = 37");
        assertThat(new SavedPolicy("t", Map.of(), TestNets.paper(), logits, null, null, "v", null).head())
                .isEqualTo(ActorHead.MULTI_CATEGORICAL);
        assertThat(ActorHead.JOINT_Q.outputsFor(new int[] {22, 7, 8})).isEqualTo(1232);
        assertThat(ActorHead.MULTI_CATEGORICAL.outputsFor(new int[] {22, 7, 8})).isEqualTo(37);
    }

    @Test
    void aJointQPolicyActsGreedilyAndRefusesTheMultiCategoricalAndStochasticViews() {
        SavedPolicy saved = paperJointQ(2);
        NetworkPolicy acting = saved.actingPolicy();
        assertThat(acting).isInstanceOf(JointQPolicy.class);
        assertThat(acting.name()).isEqualTo("rl4j-dqn");
        double[] obs = {10, 25, 34, 20, 64, 28, 10, 55, 16};
        double[] q = saved.actor().forward(saved.normalizer().normalize(obs));
        int best = 0;
        for (int j = 1; j < q.length; j++) {
            if (q[j] > q[best]) {
                best = j;
            }
        }
        assertThat(acting.act(obs)).containsExactly(new MultiDiscrete(22, 7, 8).unflatten(best));
        assertThat(saved.jointQPolicy().qValues(obs)).containsExactly(q);
        assertThatThrownBy(saved::policy)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the rl4j-dqn policy has a joint-q actor, not a multi-categorical one: use actingPolicy() "
                        + "to act with it");
        assertThatThrownBy(() -> saved.policyFor(TestNets.paper())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> saved.stochasticPolicy(Rng.of(0)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the rl4j-dqn policy has a joint-q actor (a Q-value per joint action), which acts "
                        + "greedily only: it has no stochastic mode");
        EnvSignature other = new EnvSignature(List.of("house", "senti", "numbr"), new int[] {22, 7, 8}, 9, "paper",
                List.of(), 60);
        assertThatThrownBy(() -> saved.actingPolicyFor(other))
                .hasMessage("the policy was trained for a different environment (the policy's, then this one's): quota 40.0 vs 60.0");
        assertThat(saved.actingPolicyFor(TestNets.paper()).act(obs)).containsExactly(acting.act(obs));

        SavedPolicy mc = PolicyFileTest.paperSized(3);
        assertThat(mc.stochasticPolicy(Rng.of(0)).mode()).isEqualTo(MultiCategoricalPolicy.Mode.STOCHASTIC);
        assertThatThrownBy(mc::jointQPolicy)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the ppo policy has a multi-categorical actor, not a joint-q one: use policy() or "
                        + "actingPolicy()");
        SavedPolicy afterstate = PolicyFile.load(Path.of("../models/paper-afterstate.zip"));
        assertThatThrownBy(afterstate::jointQPolicy)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the afterstate policy has an afterstate-value actor, not a joint-q one: ");
    }

    @Test
    void aJointQPolicyRoundTripsThroughItsFile(@TempDir Path dir) {
        SavedPolicy saved = paperJointQ(4);
        Path file = dir.resolve("dqn.zip");
        PolicyFile.save(saved, file);
        String manifest = new String(PolicyFileTest.entries(file).get("manifest.properties"),
                StandardCharsets.ISO_8859_1);
        assertThat(manifest).contains("\nactor.head=joint-q\n").contains("\nformatVersion=2\n")
                .contains("\nactor.layers=9,16,1232\n").contains("\nactor.hiddenActivation=relu\n")
                .contains("\ncritic.present=false\n").contains("\nnormalizer.present=true\n");
        assertThat(PolicyFileTest.entries(file)).containsOnlyKeys("manifest.properties", "actor.bin",
                "normalizer.bin");
        SavedPolicy loaded = PolicyFile.load(file);
        assertThat(loaded).isEqualTo(saved);
        assertThat(loaded.head()).isEqualTo(ActorHead.JOINT_Q);
        assertThat(loaded.normalizer().clip()).isEqualTo(Double.POSITIVE_INFINITY);
        SplittableRandom r = new SplittableRandom(5);
        for (int k = 0; k < 30; k++) {
            double[] obs = new double[9];
            for (int i = 0; i < 9; i++) {
                obs[i] = r.nextDouble(0, 120);
            }
            assertThat(loaded.jointQPolicy().qValues(obs)).containsExactly(saved.jointQPolicy().qValues(obs));
            assertThat(loaded.actingPolicy().act(obs)).containsExactly(saved.actingPolicy().act(obs));
        }
        // a multi-categorical file keeps format version 1 and has no actor.head key
        Path mc = dir.resolve("mc.zip");
        PolicyFile.save(PolicyFileTest.paperSized(1), mc);
        String mcManifest = new String(PolicyFileTest.entries(mc).get("manifest.properties"),
                StandardCharsets.ISO_8859_1);
        assertThat(mcManifest).contains("\nformatVersion=1\n").doesNotContain("actor.head");
    }

    @Test
    void theHeadKeyIsChecked(@TempDir Path dir) {
        // an explicit multi-categorical head in a version-1 file is today's meaning
        Path explicit = PolicyFileTest.tampered(dir, PolicyFileTest.manifest(s -> s + "actor.head=multi-categorical\n"));
        assertThat(PolicyFile.load(explicit).head()).isEqualTo(ActorHead.MULTI_CATEGORICAL);
        Path unknown = PolicyFileTest.tampered(dir, PolicyFileTest.manifest(s -> s + "actor.head=gaussian\n"));
        assertThatThrownBy(() -> PolicyFile.load(unknown))
                .hasMessage(unknown + ": manifest field 'actor.head' is 'gaussian' (expected multi-categorical or "
                        + "joint-q)");
        // a joint-q actor in a file claiming version 1 (which older readers would take for logits) is refused
        Path v1 = dir.resolve("v1.zip");
        PolicyFile.save(paperJointQ(6), v1);
        Map<String, byte[]> entries = PolicyFileTest.entries(v1);
        PolicyFileTest.manifest(s -> s.replace("formatVersion=2", "formatVersion=1")).apply(entries);
        PolicyFileTest.writeZip(v1, entries);
        assertThatThrownBy(() -> PolicyFile.load(v1))
                .hasMessage(v1 + ": a joint-q actor needs format version 2, the manifest says 1");
        // the head decides the output size the file is checked against
        Path swapped = PolicyFileTest.tampered(dir, PolicyFileTest.manifest(s -> s.replace("formatVersion=1",
                "formatVersion=2") + "actor.head=joint-q\n"));
        assertThatThrownBy(() -> PolicyFile.load(swapped))
                .hasMessage(swapped + ": the joint-q actor has 37 outputs, the environment's nvec [22, 7, 8] needs "
                        + "prod(nvec) = 1232 (one Q-value per joint action)");
    }
}
