package dev.kdrl.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ObservationNormalizerTest {

    @Test
    void normalizeSubtractsMeanDividesByStdAndClips() {
        ObservationNormalizer n = ObservationNormalizer.of(new double[] {1, 10, 0}, new double[] {4, 0.25, 1e-6},
                100);
        double[] out = n.normalize(new double[] {5, 9, 1});
        assertThat(out[0]).isCloseTo((5 - 1) / Math.sqrt(4 + 1e-8), within(1e-15));
        assertThat(out[1]).isCloseTo((9 - 10) / Math.sqrt(0.25 + 1e-8), within(1e-15));
        assertThat(out[2]).isEqualTo(10); // 1 / sqrt(1e-6) = 1000, clipped
        assertThat(n.normalize(new double[] {1, 10, -1})[2]).isEqualTo(-10);
        assertThat(n.epsilon()).isEqualTo(1e-8);
        assertThat(n.clip()).isEqualTo(10);
        assertThat(n.isIdentity()).isFalse();
    }

    @Test
    void identityLeavesObservationsUnchanged() {
        ObservationNormalizer id = ObservationNormalizer.identity(3);
        double[] obs = {123.456, -1e6, 0.1};
        assertThat(id.normalize(obs)).containsExactly(obs).isNotSameAs(obs);
        assertThat(id.isIdentity()).isTrue();
        assertThat(id).isEqualTo(ObservationNormalizer.identity(3));
    }

    @Test
    void validationNamesTheField() {
        assertThatThrownBy(() -> ObservationNormalizer.of(new double[] {0, 0}, new double[] {1, -1}, 1))
                .hasMessage("var[1] must be a finite number >= 0, got -1.0");
        assertThatThrownBy(() -> ObservationNormalizer.of(new double[] {0}, new double[] {1, 1}, 1))
                .hasMessage("var has length 2, mean has length 1");
        assertThatThrownBy(() -> new ObservationNormalizer(new double[] {0}, new double[] {1}, 1, 1e-8, 0))
                .hasMessage("clip must be > 0, got 0.0");
        assertThatThrownBy(() -> ObservationNormalizer.identity(2).normalize(new double[3]))
                .hasMessage("observation has length 3, the normalizer expects 2");
    }

    @Test
    void runningMeanStdMatchesHandComputation() {
        // prior mean 0, var 1, count 1e-4; batch [[1], [3]]: batch mean 2, batch var 1, batch count 2
        RunningMeanStd rms = new RunningMeanStd(1);
        rms.update(new double[][] {{1}, {3}});
        double c = 1e-4;
        double n = c + 2;
        assertThat(rms.count()).isEqualTo(n);
        assertThat(rms.mean()[0]).isCloseTo(2 * 2 / n, within(1e-15));
        assertThat(rms.var()[0]).isCloseTo((1 * c + 1 * 2 + 2 * 2 * c * 2 / n) / n, within(1e-15));

        // from count 0: [1, 3] then [5] gives the statistics of {1, 3, 5}: mean 3, population var 8/3
        RunningMeanStd exact = RunningMeanStd.of(new double[] {0}, new double[] {0}, 0);
        exact.update(new double[][] {{1}, {3}});
        assertThat(exact.mean()).containsExactly(2);
        assertThat(exact.var()).containsExactly(1);
        exact.update(new double[] {5});
        assertThat(exact.count()).isEqualTo(3);
        assertThat(exact.mean()[0]).isCloseTo(3, within(1e-15));
        assertThat(exact.var()[0]).isCloseTo(8.0 / 3, within(1e-15));
    }

    @Test
    void runningMeanStdMatchesTwoPassStatisticsOnRandomData() {
        SplittableRandom r = new SplittableRandom(11);
        int dims = 4;
        int total = 5_000;
        double[][] data = new double[total][dims];
        for (double[] row : data) {
            row[0] = r.nextDouble(0, 100);
            row[1] = 1e4 + r.nextDouble(-1, 1); // large mean, small spread
            row[2] = -3;                        // constant
            row[3] = r.nextDouble() < 0.1 ? 500 : r.nextDouble(); // heavy outliers
        }
        RunningMeanStd rms = RunningMeanStd.of(new double[dims], new double[dims], 0);
        int at = 0;
        while (at < total) {
            int size = Math.min(1 + r.nextInt(300), total - at);
            rms.update(Arrays.copyOfRange(data, at, at + size));
            at += size;
        }
        for (int i = 0; i < dims; i++) {
            double mean = 0;
            for (double[] row : data) {
                mean += row[i];
            }
            mean /= total;
            double var = 0;
            for (double[] row : data) {
                var += (row[i] - mean) * (row[i] - mean);
            }
            var /= total;
            assertThat(rms.mean()[i]).as("mean %d", i).isCloseTo(mean, within(1e-9 * (1 + Math.abs(mean))));
            assertThat(rms.var()[i]).as("var %d", i).isCloseTo(var, within(1e-9 * (1 + var)));
        }
        assertThat(rms.count()).isEqualTo(total);

        // with the default prior (count 1e-4) the statistics are within 1e-4 relative of the data's
        RunningMeanStd withPrior = new RunningMeanStd(dims);
        withPrior.update(data);
        ObservationNormalizer frozen = withPrior.freeze();
        assertThat(frozen.count()).isEqualTo(total + 1e-4);
        assertThat(frozen.mean()).containsExactly(rms.mean(), within(1e-2));
        assertThat(frozen.mean()[1]).isCloseTo(rms.mean()[1], within(1e-4 * Math.abs(rms.mean()[1])));
        assertThat(frozen.var()[2]).isCloseTo(0, within(1e-6)).isPositive();
        assertThat(frozen.epsilon()).isEqualTo(1e-8);
        assertThat(frozen.clip()).isEqualTo(10);
    }

    @Test
    void freezeResumeAndBatchValidation() {
        RunningMeanStd rms = new RunningMeanStd(2);
        rms.update(new double[][] {{1, 2}, {3, 4}, {5, 7}});
        ObservationNormalizer frozen = rms.freeze();
        RunningMeanStd resumed = RunningMeanStd.resume(frozen);
        rms.update(new double[][] {{9, 9}});
        resumed.update(new double[][] {{9, 9}});
        assertThat(resumed.mean()).containsExactly(rms.mean());
        assertThat(resumed.var()).containsExactly(rms.var());
        assertThat(frozen.mean()).isNotEqualTo(rms.mean()); // frozen copies stay frozen
        rms.update(new double[0][]);
        assertThat(rms.count()).isEqualTo(resumed.count());
        assertThatThrownBy(() -> rms.update(new double[][] {{1, 2}, {1}}))
                .hasMessage("batch row 1 has length 1, expected 2");
        assertThatThrownBy(() -> rms.update(new double[][] {{1, Double.NaN}}))
                .hasMessage("batch[0][1] is NaN (expected a finite number)");
    }

    @Test
    void binaryRoundTripAndRejections() throws IOException {
        ObservationNormalizer n = new ObservationNormalizer(new double[] {1, 2, 3}, new double[] {4, 5, 6}, 7.5,
                1e-6, 5);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        n.write(new DataOutputStream(buf));
        byte[] bytes = buf.toByteArray();
        assertThat(ObservationNormalizer.read(new DataInputStream(new ByteArrayInputStream(bytes)))).isEqualTo(n);
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 1);
        assertThatThrownBy(() -> ObservationNormalizer.read(new DataInputStream(new ByteArrayInputStream(truncated))))
                .hasMessage("truncated ObservationNormalizer stream: unexpected end of data");
        byte[] badMagic = bytes.clone();
        badMagic[3] = 0;
        assertThatThrownBy(() -> ObservationNormalizer.read(new DataInputStream(new ByteArrayInputStream(badMagic))))
                .hasMessageStartingWith("not an ObservationNormalizer stream: bad magic 0x4B4E5200");
        byte[] badVersion = bytes.clone();
        badVersion[7] = 3;
        assertThatThrownBy(() -> ObservationNormalizer.read(
                new DataInputStream(new ByteArrayInputStream(badVersion))))
                .hasMessage("unsupported ObservationNormalizer format version 3, this reader supports version 1");
    }
}
