package dev.kdrl.train.algo;

import dev.kdrl.core.rng.Rng;

/** Random (semi-)orthogonal matrices, as the orthogonal weight initialisation of Saxe et al. needs. */
final class Orthogonal {

    private Orthogonal() {
    }

    /**
     * A {@code rows x cols} matrix with orthonormal columns (when {@code rows >= cols}) or rows
     * (otherwise), from Gram-Schmidt on a Gaussian matrix drawn from {@code rng}.
     */
    static double[][] matrix(int rows, int cols, Rng rng) {
        boolean transpose = rows < cols;
        int n = transpose ? cols : rows;
        int m = transpose ? rows : cols;
        // m orthonormal vectors of length n
        double[][] v = new double[m][n];
        for (int j = 0; j < m; j++) {
            for (int i = 0; i < n; i++) {
                v[j][i] = rng.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < j; k++) {
                    double d = 0;
                    for (int i = 0; i < n; i++) {
                        d += v[j][i] * v[k][i];
                    }
                    for (int i = 0; i < n; i++) {
                        v[j][i] -= d * v[k][i];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += v[j][i] * v[j][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                v[j][i] /= norm;
            }
        }
        double[][] out = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r][c] = transpose ? v[r][c] : v[c][r];
            }
        }
        return out;
    }
}
