package dev.kdrl.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.core.io.ModelArchive;
import dev.kdrl.core.io.TestZips;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
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
        // a network whose output maps below 0 users (its dense bias far below the scaler's range) predicts exactly 0
        BiLstmNetwork n = p.network();
        NeuralPredictor low = new NeuralPredictor(new BiLstmNetwork(n.layers(), n.denseWeights(), -5), p.scaler(), 7,
                Map.of());
        double[] zeros = new double[7];
        assertThat(p.scaler().inverse(low.network().predict(p.scaler().transform(zeros)))).isNegative();
        assertThat(low.predict(zeros, 3)).containsExactly(0, 0, 0);
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

    @Test
    void aWindowBelowOneIsNamedAsAManifestField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("w.zip");
        PredictorFile.save(randomPredictor(5), file);
        String window = "window=" + PredictorFile.load(file).window() + "\n";
        rewriteManifest(file, window, "window=0\n");
        assertThatThrownBy(() -> PredictorFile.load(file))
                .hasMessage(file + ": manifest field 'window' is '0' (expected an integer >= 1)");
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

    // ---- the checks a predictor file shares with a policy file (ModelArchive) ----

    static Map<String, byte[]> entries(Path file) {
        return TestZips.entries(file);
    }

    /** Writes {@code name} beside {@code good}: the manifest of {@code good}, then these network.bin entries. */
    static Path withNetworks(Path good, String name, byte[]... networks) throws IOException {
        List<Map.Entry<String, byte[]>> list = new ArrayList<>();
        list.add(Map.entry("manifest.properties", entries(good).get("manifest.properties")));
        for (byte[] network : networks) {
            list.add(Map.entry("network.bin", network));
        }
        Path file = good.resolveSibling(name);
        Files.write(file, TestZips.zip(list));
        return file;
    }

    /** Loading {@code file} fails with {@code "<file>: <what>"}. */
    static void assertRefused(Path file, String what) {
        assertThatThrownBy(() -> PredictorFile.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + ": " + what);
    }

    @Test
    void savingTwiceGivesTheSameBytes(@TempDir Path dir) throws IOException {
        NeuralPredictor p = randomPredictor(11);
        PredictorFile.save(p, dir.resolve("a.zip"));
        PredictorFile.save(p, dir.resolve("b.zip"));
        assertThat(Files.readAllBytes(dir.resolve("a.zip"))).isEqualTo(Files.readAllBytes(dir.resolve("b.zip")));
        // nothing in the file depends on when it was written: fixed entry times, no date in the manifest
        try (InputStream is = Files.newInputStream(dir.resolve("a.zip")); ZipInputStream zip = new ZipInputStream(is)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                assertThat(e.getTime()).as(e.getName()).isEqualTo(ModelArchive.ENTRY_TIME);
            }
        }
        String manifest = new String(entries(dir.resolve("a.zip")).get("manifest.properties"), StandardCharsets.UTF_8);
        assertThat(manifest).startsWith("#kdrl traffic predictor\n");
        assertThat(manifest.lines().filter(l -> l.startsWith("#"))).hasSize(1);
    }

    @Test
    void duplicateEntriesAreRefused(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.zip");
        PredictorFile.save(randomPredictor(12), good);
        Path other = dir.resolve("other.zip");
        PredictorFile.save(randomPredictor(13), other);
        // a second network.bin used to replace the first one silently
        Path dup = withNetworks(good, "dup.zip", entries(good).get("network.bin"), entries(other).get("network.bin"));
        assertRefused(dup, "duplicate entry network.bin (expected each entry name once)");
    }

    @Test
    void oversizedEntriesAreRefusedBeforeTheyAreRead(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("big.zip");
        Files.write(big, TestZips.storedEntryDeclaring("network.bin", Integer.MAX_VALUE));
        assertRefused(big, "entry network.bin is larger than " + ModelArchive.MAX_ENTRY
                + " bytes (the largest entry this reader accepts)");
    }

    @Test
    void trailingBytesAfterTheNetworkAreRefused(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.zip");
        PredictorFile.save(randomPredictor(14), good);
        byte[] net = entries(good).get("network.bin");
        assertRefused(withNetworks(good, "trailing.zip", Arrays.copyOf(net, net.length + 3)),
                "network.bin: corrupt network.bin: 3 unexpected trailing bytes");
        assertRefused(withNetworks(good, "truncated.zip", Arrays.copyOf(net, net.length - 8)),
                "network.bin: truncated BiLstmNetwork stream: unexpected end of data");
    }

    @Test
    void aFailedSaveLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("p.zip");
        Files.createDirectories(file.resolve("in-the-way"));
        assertThatThrownBy(() -> PredictorFile.save(randomPredictor(15), file))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("cannot save predictor to " + file + ": ");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("p.zip");
        }
        assertThat(file).isDirectory();
        // and a save that works leaves only the file
        Path ok = dir.resolve("ok.zip");
        PredictorFile.save(randomPredictor(15), ok);
        PredictorFile.save(randomPredictor(16), ok);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("p.zip", "ok.zip");
        }
    }

    // ---- the committed fixture: a format change that breaks loading or changes outputs fails here ----

    static Path fixture() {
        return TestZips.resource("/predict/fixture-v1.zip");
    }

    @Test
    void theVersion1FixtureStillLoadsAndPredictsTheSame() {
        // written once by the PredictorFile of format version 1 before its files were byte-reproducible (a date
        // comment and keys in hash order in the manifest, the save time on the entries): a Bi-LSTM of 2 layers
        // of 4 units with weights uniform in [-0.5, 0.5) from SplittableRandom(42), dense bias 0.4, window 6,
        // scaler [0, 120]
        String manifest = new String(entries(fixture()).get("manifest.properties"), StandardCharsets.UTF_8);
        assertThat(manifest.lines().filter(l -> l.startsWith("#"))).hasSize(2);
        NeuralPredictor p = PredictorFile.load(fixture());
        assertThat(p.window()).isEqualTo(6);
        assertThat(p.scaler()).isEqualTo(new MinMaxScaler(0, 120));
        assertThat(p.network().numLayers()).isEqualTo(2);
        assertThat(p.network().units()).isEqualTo(4);
        assertThat(p.metadata()).isEqualTo(Map.of("trace", "fixture.csv", "columns", "house", "epochs", "3",
                "libraryVersion", "0.1.0-fixture"));
        double[][] histories = {
            {10, 20, 30, 40, 50, 60},
            {0, 0, 0, 0, 0, 0},
            {100, 5, 80, 3, 60, 7, 90, 1},
        };
        double[][] expected = {
            {36.99143401776101, 36.84515627361609, 36.788819479107325},
            {36.738975563822265, 36.93479211429917, 36.960362062490546},
            {36.643727589315766, 36.766025996499245, 36.79297677463687},
        };
        for (int k = 0; k < histories.length; k++) {
            double[] got = p.predict(histories[k], 3);
            for (int h = 0; h < 3; h++) {
                assertThat(got[h]).as("history %d, step %d", k, h).isCloseTo(expected[k][h], within(1e-12));
            }
        }
    }

    @Test
    void theFixtureRoundTripsThroughTheCurrentWriter(@TempDir Path dir) throws IOException {
        NeuralPredictor saved = PredictorFile.load(fixture());
        Path again = dir.resolve("again.zip");
        PredictorFile.save(saved, again);
        Map<String, byte[]> before = entries(fixture());
        Map<String, byte[]> after = entries(again);
        assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
        assertThat(after.get("network.bin")).isEqualTo(before.get("network.bin"));
        // the same manifest fields; only the text changed: keys sorted, no date
        Properties oldFields = new Properties();
        oldFields.load(new StringReader(new String(before.get("manifest.properties"), StandardCharsets.UTF_8)));
        Properties newFields = new Properties();
        newFields.load(new StringReader(new String(after.get("manifest.properties"), StandardCharsets.UTF_8)));
        assertThat(newFields).isEqualTo(oldFields);
        assertThat(new String(after.get("manifest.properties"), StandardCharsets.UTF_8)).isEqualTo(
                "#kdrl traffic predictor\n"
                        + "format=kdrl-traffic-predictor\n"
                        + "formatVersion=1\n"
                        + "kind=bilstm\n"
                        + "layers=2\n"
                        + "meta.columns=house\n"
                        + "meta.epochs=3\n"
                        + "meta.libraryVersion=0.1.0-fixture\n"
                        + "meta.trace=fixture.csv\n"
                        + "scaler.max=120.0\n"
                        + "scaler.min=0.0\n"
                        + "units=4\n"
                        + "window=6\n");
        NeuralPredictor loaded = PredictorFile.load(again);
        assertThat(loaded.metadata()).isEqualTo(saved.metadata());
        assertThat(loaded.predict(new double[] {10, 20, 30, 40, 50, 60}, 3))
                .containsExactly(saved.predict(new double[] {10, 20, 30, 40, 50, 60}, 3));
    }
}
