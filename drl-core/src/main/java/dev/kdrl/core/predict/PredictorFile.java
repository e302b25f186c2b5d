package dev.kdrl.core.predict;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The saved form of a {@link NeuralPredictor}: one zip holding {@code manifest.properties} (format and
 * version, kind, window, scaler, network shape and the training metadata under {@code meta.}) and
 * {@code network.bin} ({@link BiLstmNetwork#write}). Writing goes to a temporary file renamed into place,
 * so a crash never leaves half a file.
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

    /** Saves {@code predictor} to {@code file}. */
    public static void save(NeuralPredictor predictor, Path file) {
        Properties p = new Properties();
        p.setProperty("format", FORMAT);
        p.setProperty("formatVersion", Integer.toString(VERSION));
        p.setProperty("kind", "bilstm");
        p.setProperty("window", Integer.toString(predictor.window()));
        p.setProperty("units", Integer.toString(predictor.network().units()));
        p.setProperty("layers", Integer.toString(predictor.network().numLayers()));
        p.setProperty("scaler.min", Double.toString(predictor.scaler().min()));
        p.setProperty("scaler.max", Double.toString(predictor.scaler().max()));
        predictor.metadata().forEach((k, v) -> p.setProperty("meta." + k, v));
        try {
            ByteArrayOutputStream net = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(net)) {
                predictor.network().write(out);
            }
            StringWriter manifest = new StringWriter();
            p.store(manifest, "kdrl traffic predictor");
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            // createFile, not createTempFile: the saved file gets ordinary (umask) permissions, not 0600
            Path tmp = Files.createFile(dir.resolve("." + file.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp"));
            try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
                zip.putNextEntry(new ZipEntry(MANIFEST));
                zip.write(manifest.toString().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(NETWORK));
                zip.write(net.toByteArray());
                zip.closeEntry();
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save predictor to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads a predictor saved by {@link #save}.
     *
     * @throws IllegalArgumentException naming the file and what is wrong (not a predictor file, another
     *                                  format version, inconsistent manifest)
     */
    public static NeuralPredictor load(Path file) {
        Map<String, byte[]> entries = new HashMap<>();
        try (InputStream is = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(is)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read predictor " + file + ": " + e.getMessage(), e);
        }
        if (!entries.containsKey(MANIFEST) || !entries.containsKey(NETWORK)) {
            throw new IllegalArgumentException(file + " is not a predictor file (expected a zip with " + MANIFEST
                    + " and " + NETWORK + ")");
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(entries.get(MANIFEST), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": unreadable manifest: " + e.getMessage());
        }
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
        MinMaxScaler scaler;
        try {
            scaler = new MinMaxScaler(doubleField(file, p, "scaler.min"), doubleField(file, p, "scaler.max"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
        BiLstmNetwork net;
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(entries.get(NETWORK)))) {
            net = BiLstmNetwork.read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + NETWORK + ": " + e.getMessage());
        }
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
        return new NeuralPredictor(net, scaler, window, meta);
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

    private static int intField(Path file, Properties p, String key) {
        String v = p.getProperty(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": manifest field '" + key + "' is '" + v + "' (expected an integer)");
        }
    }

    private static double doubleField(Path file, Properties p, String key) {
        String v = p.getProperty(key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException(file + ": manifest field '" + key + "' is '" + v + "' (expected a number)");
        }
    }
}
