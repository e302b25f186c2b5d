import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times one FLOAT matrix product through ND4J (and so OpenBLAS), as docs/benchmarks.md ("OpenBLAS kernels") does:
 * {@code OPENBLAS_VERBOSE=2 OPENBLAS_CORETYPE=SkylakeX OMP_NUM_THREADS=1 java -cp drl-train/target/drl.jar
 * scripts/GemmBench.java 800 128 128} (N K M: an [N, K] x [K, M] product; leave OPENBLAS_CORETYPE unset to see the
 * kernels OpenBLAS detects itself, printed as "Core: ..." with OPENBLAS_VERBOSE=2).
 */
public class GemmBench {
    public static void main(String[] a) {
        int n = Integer.parseInt(a[0]);
        int k = Integer.parseInt(a[1]);
        int m = Integer.parseInt(a[2]);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, k);
        INDArray w = Nd4j.rand(DataType.FLOAT, k, m);
        INDArray out = Nd4j.create(DataType.FLOAT, n, m);
        for (int i = 0; i < 2000; i++) {
            Nd4j.gemm(x, w, out, false, false, 1.0, 0.0);
        }
        int iterations = 5000;
        long t = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            Nd4j.gemm(x, w, out, false, false, 1.0, 0.0);
        }
        double s = (System.nanoTime() - t) / 1e9 / iterations;
        System.out.printf("[%d, %d] x [%d, %d]: %.1f us, %.1f GFLOP/s%n", n, k, k, m, s * 1e6, 2.0 * n * k * m / s / 1e9);
    }
}
