package dev.kdrl.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictorFileTest {

    static BiLstmNetwork.LstmParams params(int nIn, int nOut, SplittableRandom r) {
        double[] w = new double[nIn * 4 * nOut];
        double[] rw = new double[nOut * 4 * nOut];
        double[] b = new double[4 * nOut];
        for (double[] a : List.of(w, rw, b)) {
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextDouble(-0.5, 0.5);
            }
        }
        return new BiLstmNetwork.LstmParams(nIn, nOut, w, rw, b);
    }

    /** A random two-layer network: inference does not care whether it was trained. */
    static NeuralPredictor randomPredictor(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int units = 5;
        List<BiLstmNetwork.Layer> layers = new ArrayList<>();
        layers.add(new BiLstmNetwork.Layer(params(1, units, r), params(1, units, r)));
        layers.add(new BiLstmNetwork.Layer(params(2 * units, units, r), params(2 * units, units, r)));
        double[] dense = new double[2 * units];
        for (int i = 0; i < dense.length; i++) {
            dense[i] = r.nextDouble(-0.5, 0.5);
        }
        BiLstmNetwork net = new BiLstmNetwork(layers, dense, 0.3);
        return new NeuralPredictor(net, new MinMaxScaler(2, 80), 7, Map.of("trace", "t.csv", "columns", "house"));
    }

    @Test
    void saveLoadRoundTripGivesIdenticalPredictions(@TempDir Path dir) {
        NeuralPredictor p = randomPredictor(1);
        Path file = dir.resolve("p.zip");
        PredictorFile.save(p, file);
        NeuralPredictor q = PredictorFile.load(file);
        assertThat(q.window()).isEqualTo(7);
        assertThat(q.scaler()).isEqualTo(p.scaler());
        assertThat(q.metadata()).containsEntry("trace", "t.csv").containsEntry("columns", "house");
        SplittableRandom r = new SplittableRandom(2);
        for (int k = 0; k < 20; k++) {
            double[] h = new double[7 + r.nextInt(10)];
            for (int i = 0; i < h.length; i++) {
                h[i] = r.nextInt(100);
            }
            assertThat(q.predict(h, 3)).containsExactly(p.predict(h, 3));
        }
    }

    @Test
    void predictionsAreClampedAtZeroAndShortHistoriesFallBack() {
        NeuralPredictor p = randomPredictor(3);
        Forecast f = p.forecast(new double[] {5, 6}, 2);
        assertThat(f.isFallback()).isTrue();
        assertThat(f.values()).containsExactly(6, 6);
        assertThat(f.fallbackReason()).contains("needs 7 history points, got 2");
        for (double v : p.predict(new double[] {0, 0, 0, 0, 0, 0, 0}, 5)) {
            assertThat(v).isGreaterThanOrEqualTo(0);
        }
        assertThatThrownBy(() -> p.predict(new double[] {1, 2, 3, 4, 5, 6, -1}))
                .hasMessage("history[6] is -1.0 (expected a finite number >= 0)");
    }

    @Test
    void incompatibleConfigurationsAreRefusedSayingWhatDiffers() {
        NeuralPredictor p = randomPredictor(4);
        p.checkCompatible(7, 100);
        assertThatThrownBy(() -> p.checkCompatible(10, 0))
                .hasMessage("the predictor was trained with window 7, configured window is 10");
        assertThatThrownBy(() -> p.checkCompatible(7, 5000)).hasMessageContaining("another scale");
    }

    @Test
    void loadingForAnotherWindowOrScaleFailsNamingTheFile(@TempDir Path dir) {
        Path file = dir.resolve("p7.zip");
        PredictorFile.save(randomPredictor(8), file);
        assertThat(PredictorFile.load(file, 7, 100).window()).isEqualTo(7);
        assertThatThrownBy(() -> PredictorFile.load(file, 5, 100))
                .hasMessage(file + ": the predictor was trained with window 7, configured window is 5");
        assertThatThrownBy(() -> PredictorFile.load(file, 7, 1e6))
                .hasMessageStartingWith(file + ": the predictor was trained on values in [2.0, 80.0]");
    }

    @Test
    void otherFilesAreRejectedWithTheFileNamed(@TempDir Path dir) throws Exception {
        Path notZip = dir.resolve("x.zip");
        Files.writeString(notZip, "hello");
        assertThatThrownBy(() -> PredictorFile.load(notZip)).hasMessageContaining("x.zip").hasMessageContaining("not a predictor");
        Path wrongVersion = dir.resolve("v.zip");
        PredictorFile.save(randomPredictor(5), wrongVersion);
        rewriteManifest(wrongVersion, "formatVersion=1", "formatVersion=99");
        assertThatThrownBy(() -> PredictorFile.load(wrongVersion))
                .hasMessageContaining("v.zip").hasMessageContaining("format version 99");
        Path wrongShape = dir.resolve("s.zip");
        PredictorFile.save(randomPredictor(6), wrongShape);
        rewriteManifest(wrongShape, "units=5", "units=100");
        assertThatThrownBy(() -> PredictorFile.load(wrongShape)).hasMessageContaining("100 units");
    }

    /** Rewrites one manifest line of a saved file, keeping the network. */
    static void rewriteManifest(Path file, String from, String to) throws Exception {
        byte[] net;
        String manifest;
        try (var zin = new java.util.zip.ZipInputStream(Files.newInputStream(file))) {
            ZipEntry e;
            net = null;
            manifest = null;
            while ((e = zin.getNextEntry()) != null) {
                byte[] b = zin.readAllBytes();
                if (e.getName().equals("manifest.properties")) {
                    manifest = new String(b, StandardCharsets.UTF_8);
                } else {
                    net = b;
                }
            }
        }
        assertThat(manifest).contains(from);
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry("manifest.properties"));
            zip.write(manifest.replace(from, to).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("network.bin"));
            zip.write(net);
            zip.closeEntry();
        }
    }
}
