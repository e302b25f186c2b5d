package dev.kdrl.core.predict;

import static dev.kdrl.core.io.ModelArchive.doubleField;
import static dev.kdrl.core.io.ModelArchive.intField;

import dev.kdrl.core.io.IoReasons;
import dev.kdrl.core.io.ModelArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The saved form of a {@link NeuralPredictor}: one zip holding {@code manifest.properties} (format and
 * version, kind, window, scaler, network shape and the training metadata under {@code meta.}) and
 * {@code network.bin} ({@link BiLstmNetwork#write}).
 *
 * <p>The zip is a {@link ModelArchive}: the same predictor gives the same bytes (the manifest's keys sorted,
 * no date, fixed entry times), writing goes to a temporary file renamed into place (so a crash never leaves
 * half a file, and a failed write leaves no temporary file), and loading refuses oversized and duplicate
 * entries and a {@code network.bin} with trailing bytes. Files written before that (a date comment and keys
 * in hash order in the manifest, the save time on the entries) load the same.
 */
public final class PredictorFile {
    /** The manifest's {@code format} value. */
    public static final String FORMAT = "kdrl-traffic-predictor";
    /** The current format version. */
    public static final int VERSION = 1;
    private static final String MANIFEST = "manifest.properties";
    private static final String NETWORK = "network.bin";

    private PredictorFile() {
    }

    /** Saves {@code predictor} to {@code file}, replacing it atomically ({@link ModelArchive#write}). */
    public static void save(NeuralPredictor predictor, Path file) {
        Objects.requireNonNull(predictor, "predictor must not be null");
        Objects.requireNonNull(file, "file must not be null");
        Map<String, String> m = new TreeMap<>();
        m.put("format", FORMAT);
        m.put("formatVersion", Integer.toString(VERSION));
        m.put("kind", "bilstm");
        m.put("window", Integer.toString(predictor.window()));
        m.put("units", Integer.toString(predictor.network().units()));
        m.put("layers", Integer.toString(predictor.network().numLayers()));
        m.put("scaler.min", Double.toString(predictor.scaler().min()));
        m.put("scaler.max", Double.toString(predictor.scaler().max()));
        predictor.metadata().forEach((k, v) -> m.put("meta." + k, v));
        try {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            entries.put(MANIFEST, ModelArchive.manifestText("kdrl traffic predictor", m)
                    .getBytes(StandardCharsets.UTF_8));
            entries.put(NETWORK, ModelArchive.bytes(predictor.network()::write));
            ModelArchive.write(file, entries);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save predictor to " + file + ": " + IoReasons.of(e), e);
        }
    }

    /**
     * Loads a predictor saved by {@link #save}.
     *
     * @throws IllegalArgumentException naming the file and what is wrong (not a predictor file, another
     *                                  format version, an oversized, duplicate, corrupt or truncated entry,
     *                                  inconsistent manifest)
     * @throws UncheckedIOException     if the file cannot be read
     */
    public static NeuralPredictor load(Path file) {
        Objects.requireNonNull(file, "file must not be null");
        Map<String, byte[]> entries;
        try {
            entries = ModelArchive.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read predictor " + file + ": " + IoReasons.of(e), e);
        }
        if (!entries.containsKey(MANIFEST) || !entries.containsKey(NETWORK)) {
            throw new IllegalArgumentException(file + " is not a predictor file (expected a zip with " + MANIFEST
                    + " and " + NETWORK + ", found " + new TreeSet<>(entries.keySet()) + ")");
        }
        Properties p = ModelArchive.readManifest(file, MANIFEST, entries.get(MANIFEST));
        if (!FORMAT.equals(p.getProperty("format"))) {
            throw new IllegalArgumentException(file + ": manifest format is '" + p.getProperty("format")
                    + "', expected '" + FORMAT + "'");
        }
        int version = intField(file, p, "formatVersion");
        if (version != VERSION) {
            throw new IllegalArgumentException(file + ": format version " + version + ", this library reads "
                    + VERSION);
        }
        int window = intField(file, p, "window");
        if (window < 1) {
            throw new IllegalArgumentException(file + ": manifest field 'window' is '" + p.getProperty("window")
                    + "' (expected an integer >= 1)");
        }
        MinMaxScaler scaler;
        try {
            scaler = new MinMaxScaler(doubleField(file, p, "scaler.min"), doubleField(file, p, "scaler.max"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
        BiLstmNetwork net = ModelArchive.readEntry(file, NETWORK, entries.get(NETWORK), BiLstmNetwork::read);
        int units = intField(file, p, "units");
        int layers = intField(file, p, "layers");
        if (net.units() != units || net.numLayers() != layers) {
            throw new IllegalArgumentException(file + ": manifest says " + layers + " layers of " + units
                    + " units, the network has " + net.numLayers() + " of " + net.units());
        }
        Map<String, String> meta = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith("meta.")) {
                meta.put(k.substring(5), p.getProperty(k));
            }
        }
        try {
            return new NeuralPredictor(net, scaler, window, meta);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads a predictor and checks it suits a configuration ({@link NeuralPredictor#checkCompatible}).
     *
     * @throws IllegalArgumentException naming the file and what differs
     */
    public static NeuralPredictor load(Path file, int window, double maxLoad) {
        NeuralPredictor p = load(file);
        try {
            p.checkCompatible(window, maxLoad);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        return p;
    }
}
