package dev.kdrl.train.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.core.rng.Rng;
import org.junit.jupiter.api.Test;

class AlgoMathTest {

    @Test
    void conjugateGradientSolvesAKnownSpdSystem() {
        // A = [[4,1,0],[1,3,1],[0,1,2]], x = [1,-2,3] -> b = A x = [2,-2,4]
        double[][] a = {{4, 1, 0}, {1, 3, 1}, {0, 1, 2}};
        double[] b = {2, -2, 4};
        double[] x = ConjugateGradient.solve(v -> {
            double[] out = new double[3];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    out[i] += a[i][j] * v[j];
                }
            }
            return out;
        }, b, 10, 1e-20);
        assertThat(x[0]).isCloseTo(1, within(1e-10));
        assertThat(x[1]).isCloseTo(-2, within(1e-10));
        assertThat(x[2]).isCloseTo(3, within(1e-10));
    }

    @Test
    void gaeOnAHandWorkedThreeStepExample() {
        // one env, rewards 1, 2, 3; values 0.5, 1.0, 1.5; episode ends at step 3; gamma 0.9, lambda 0.8
        double[][] r = {{1}, {2}, {3}};
        double[][] v = {{0.5}, {1.0}, {1.5}};
        boolean[][] d = {{false}, {false}, {true}};
        Gae.Result g = Gae.compute(r, v, d, new double[] {9.0}, 0.9, 0.8);
        double d3 = 3 - 1.5;                 // terminal: no bootstrap
        double d2 = 2 + 0.9 * 1.5 - 1.0;
        double d1 = 1 + 0.9 * 1.0 - 0.5;
        double a3 = d3;
        double a2 = d2 + 0.9 * 0.8 * a3;
        double a1 = d1 + 0.9 * 0.8 * a2;
        assertThat(g.advantages()[2][0]).isCloseTo(a3, within(1e-12));
        assertThat(g.advantages()[1][0]).isCloseTo(a2, within(1e-12));
        assertThat(g.advantages()[0][0]).isCloseTo(a1, within(1e-12));
        assertThat(g.returns()[0][0]).isCloseTo(a1 + 0.5, within(1e-12));
        // without the episode end the last step bootstraps from the last value
        Gae.Result open = Gae.compute(r, v, new boolean[][] {{false}, {false}, {false}}, new double[] {9.0}, 0.9, 0.8);
        assertThat(open.advantages()[2][0]).isCloseTo(3 + 0.9 * 9.0 - 1.5, within(1e-12));
    }

    @Test
    void orthogonalInitHasOrthonormalColumnsOrRows() {
        Rng rng = Rng.of(2);
        for (int[] shape : new int[][] {{9, 4}, {4, 9}, {6, 6}}) {
            double[][] q = Orthogonal.matrix(shape[0], shape[1], rng);
            boolean tall = shape[0] >= shape[1];
            int m = Math.min(shape[0], shape[1]);
            for (int a = 0; a < m; a++) {
                for (int b = 0; b < m; b++) {
                    double dot = 0;
                    for (int k = 0; k < Math.max(shape[0], shape[1]); k++) {
                        dot += tall ? q[k][a] * q[k][b] : q[a][k] * q[b][k];
                    }
                    assertThat(dot).isCloseTo(a == b ? 1 : 0, within(1e-12));
                }
            }
        }
    }
}
