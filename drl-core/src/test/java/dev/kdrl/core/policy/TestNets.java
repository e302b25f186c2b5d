package dev.kdrl.core.policy;

import java.util.List;
import java.util.SplittableRandom;

/** Networks and signatures shared by the policy tests. */
final class TestNets {
    static final double[][] HOUSE = {
        {1.5, 10, 1100}, {2, 10, 690}, {2, 15, 1000}, {2.5, 10, 500}, {2.5, 15, 730}, {2.5, 20, 890},
        {2.5, 25, 1100}, {3, 10, 390}, {3, 20, 700}, {3, 30, 900}, {3, 35, 960}, {3.5, 10, 340},
        {3.5, 20, 530}, {3.5, 30, 530}, {3.5, 40, 990}, {3.5, 45, 1000}, {4, 10, 230}, {4, 20, 450},
        {4, 30, 670}, {4, 40, 820}, {4, 50, 1000}, {4, 60, 1100}};
    static final double[][] SENTI = {
        {2, 10, 1500}, {2, 15, 2200}, {3, 10, 1000}, {3, 15, 1500}, {4, 10, 800}, {4, 15, 1300}, {4, 20, 2000}};
    static final double[][] NUMBR = {
        {0.5, 10, 900}, {1, 10, 420}, {1, 15, 630}, {1, 20, 800}, {2, 10, 370}, {2, 15, 560}, {2, 20, 700},
        {2, 25, 860}};

    private TestNets() {
    }

    /** A network with weights and biases uniform in [-scale, scale), drawn layer by layer, weights first. */
    static Mlp random(int[] sizes, Activation hidden, SplittableRandom r, double scale) {
        int layers = sizes.length - 1;
        double[][] w = new double[layers][];
        double[][] b = new double[layers][];
        for (int l = 0; l < layers; l++) {
            w[l] = new double[sizes[l] * sizes[l + 1]];
            for (int i = 0; i < w[l].length; i++) {
                w[l][i] = r.nextDouble(-scale, scale);
            }
            b[l] = new double[sizes[l + 1]];
            for (int i = 0; i < b[l].length; i++) {
                b[l][i] = r.nextDouble(-scale, scale);
            }
        }
        return Mlp.of(sizes, hidden, w, b);
    }

    /** A one-layer actor whose logits are {@code logits} whatever the observation. */
    static Mlp constant(int inputs, double... logits) {
        return Mlp.of(new int[] {inputs, logits.length}, Activation.TANH,
                new double[][] {new double[inputs * logits.length]}, new double[][] {logits});
    }

    /** The paper's environment: house/senti/numbr, nvec [22, 7, 8], 9 observations, 40 cores. */
    static EnvSignature paper() {
        return new EnvSignature(List.of("house", "senti", "numbr"), new int[] {22, 7, 8}, 9, "paper",
                List.of(EnvSignature.actionTableLine(HOUSE), EnvSignature.actionTableLine(SENTI),
                        EnvSignature.actionTableLine(NUMBR)), 40);
    }
}
