package dev.kdrl.core.policy;

import static dev.kdrl.core.io.ModelArchive.booleanField;
import static dev.kdrl.core.io.ModelArchive.doubleField;
import static dev.kdrl.core.io.ModelArchive.intField;
import static dev.kdrl.core.io.ModelArchive.requiredField;

import dev.kdrl.core.io.IoReasons;
import dev.kdrl.core.io.ModelArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The saved form of a trained policy ({@link SavedPolicy}): one zip holding
 *
 * <ul>
 *   <li>{@code manifest.properties}: {@code format = kdrl-policy}, {@code formatVersion} (see below), {@code
 *       algorithm}, {@code libraryVersion}, the hyper-parameters under {@code hyper.}, the environment under
 *       {@code env.} ({@code services}, {@code nvec}, {@code observationSize}, {@code observation} (absent for the published {@code paper} observation), {@code profile}, {@code quota},
 *       {@code actionTables} (the number of lines, 0 when not recorded) and {@code actionTable.<i>}, {@code
 *       serviceSettings} and {@code serviceSetting.<i>} (absent when not recorded)), the shapes
 *       ({@code actor.layers}, {@code actor.hiddenActivation}, {@code actor.outputActivation}, {@code
 *       critic.present} and likewise {@code critic.*}, {@code normalizer.present}, {@code normalizer.size}),
 *       {@code actor.head} ({@link ActorHead#label()}: {@code joint-q} when the actor outputs one Q-value per
 *       joint action, {@code afterstate-value} when it is the value of the state after a decision; absent for a
 *       multi-categorical actor, which is also what a missing key means); keys
 *       sorted, no timestamp;
 *   <li>{@code actor.bin} ({@link Mlp#write}), {@code critic.bin} (when there is a critic) and {@code
 *       normalizer.bin} ({@link ObservationNormalizer#write}, when the normaliser is not the identity).
 * </ul>
 *
 * <p>{@code formatVersion} is the oldest reader version that can load the file: 1 for a multi-categorical actor
 * (the files of every earlier release; readers of version 1 ignore keys they do not know), 2 for every other
 * head (joint-q, afterstate-value), so that a version-1 reader refuses it instead of taking its outputs for logits. This library reads
 * both.
 *
 * <p>The zip is a {@link ModelArchive}: the same policy gives the same bytes, writing goes to a temporary file
 * renamed into place (so a crash never leaves half a file, and a failed write leaves no temporary file), and
 * loading refuses oversized and duplicate entries and binary entries with trailing bytes. Loading checks the
 * manifest against the binary entries and the parts against each other; every error names the file.
 * Whether the policy fits the environment at hand is checked by {@link SavedPolicy#policyFor} / {@link
 * EnvSignature#requireSame}.
 */
public final class PolicyFile {
    /** The manifest's {@code format} value. */
    public static final String FORMAT = "kdrl-policy";
    /** The newest format version, written for every head but multi-categorical; this library reads 1 to this one. */
    public static final int VERSION = 2;
    /** The format version written for a multi-categorical actor (readable by every version of this library). */
    public static final int VERSION_MULTI_CATEGORICAL = 1;
    /** Name of the manifest entry. */
    public static final String MANIFEST = "manifest.properties";
    /** Name of the actor entry. */
    public static final String ACTOR = "actor.bin";
    /** Name of the (optional) critic entry. */
    public static final String CRITIC = "critic.bin";
    /** Name of the (optional) normaliser entry. */
    public static final String NORMALIZER = "normalizer.bin";

    private PolicyFile() {
    }

    /** Saves {@code policy} to {@code file}, replacing it atomically ({@link ModelArchive#write}). */
    public static void save(SavedPolicy policy, Path file) {
        Objects.requireNonNull(policy, "policy must not be null");
        Objects.requireNonNull(file, "file must not be null");
        try {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            entries.put(MANIFEST, ModelArchive.manifestText("kdrl policy", manifest(policy))
                    .getBytes(StandardCharsets.UTF_8));
            entries.put(ACTOR, ModelArchive.bytes(policy.actor()::write));
            if (policy.critic() != null) {
                entries.put(CRITIC, ModelArchive.bytes(policy.critic()::write));
            }
            if (!policy.normalizer().isIdentity()) {
                entries.put(NORMALIZER, ModelArchive.bytes(policy.normalizer()::write));
            }
            ModelArchive.write(file, entries);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save policy to " + file + ": " + IoReasons.of(e), e);
        }
    }

    private static Map<String, String> manifest(SavedPolicy policy) {
        Map<String, String> m = new TreeMap<>();
        m.put("format", FORMAT);
        m.put("formatVersion", Integer.toString(formatVersion(policy.head())));
        m.put("algorithm", policy.algorithm());
        m.put("libraryVersion", policy.libraryVersion());
        policy.hyperParameters().forEach((k, v) -> m.put("hyper." + k, v));
        EnvSignature env = policy.env();
        m.put("env.services", String.join(",", env.serviceNames()));
        m.put("env.nvec", join(env.nvec()));
        m.put("env.observationSize", Integer.toString(env.observationSize()));
        if (!env.observation().equals(EnvSignature.PAPER_OBSERVATION)) {
            // absent means the published observation: files of the paper observation stay byte for byte as before
            m.put("env.observation", env.observation());
        }
        m.put("env.profile", env.profile());
        m.put("env.quota", Double.toString(env.quota()));
        m.put("env.actionTables", Integer.toString(env.actionTables().size()));
        for (int i = 0; i < env.actionTables().size(); i++) {
            m.put("env.actionTable." + i, env.actionTables().get(i));
        }
        if (!env.serviceSettings().isEmpty()) {
            m.put("env.serviceSettings", Integer.toString(env.serviceSettings().size()));
            for (int i = 0; i < env.serviceSettings().size(); i++) {
                m.put("env.serviceSetting." + i, env.serviceSettings().get(i));
            }
        }
        putShape(m, "actor", policy.actor());
        if (policy.head() != ActorHead.MULTI_CATEGORICAL) {
            m.put("actor.head", policy.head().label());
        }
        m.put("critic.present", Boolean.toString(policy.critic() != null));
        if (policy.critic() != null) {
            putShape(m, "critic", policy.critic());
        }
        m.put("normalizer.present", Boolean.toString(!policy.normalizer().isIdentity()));
        m.put("normalizer.size", Integer.toString(policy.normalizer().size()));
        return m;
    }

    /** The oldest format version that can read a file with this head. */
    private static int formatVersion(ActorHead head) {
        return head == ActorHead.MULTI_CATEGORICAL ? VERSION_MULTI_CATEGORICAL : VERSION;
    }

    private static void putShape(Map<String, String> m, String prefix, Mlp net) {
        m.put(prefix + ".layers", join(net.layerSizes()));
        m.put(prefix + ".hiddenActivation", net.hiddenActivation().label());
        m.put(prefix + ".outputActivation", net.outputActivation().label());
    }

    private static String join(int[] values) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(values[i]);
        }
        return s.toString();
    }

    /**
     * Loads a policy saved by {@link #save}.
     *
     * @throws IllegalArgumentException naming the file and what is wrong (not a policy file, another format or
     *                                  version, a corrupt or truncated entry, a manifest that disagrees with the
     *                                  networks, parts that do not fit together)
     * @throws UncheckedIOException     if the file cannot be read
     */
    public static SavedPolicy load(Path file) {
        Objects.requireNonNull(file, "file must not be null");
        Map<String, byte[]> entries = readEntries(file);
        if (!entries.containsKey(MANIFEST) || !entries.containsKey(ACTOR)) {
            throw new IllegalArgumentException(file + " is not a policy file (expected a zip with " + MANIFEST
                    + " and " + ACTOR + ", found " + new TreeSet<>(entries.keySet()) + ")");
        }
        Properties p = ModelArchive.readManifest(file, MANIFEST, entries.get(MANIFEST));
        String format = p.getProperty("format");
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException(file + ": manifest format is '" + format + "', expected '" + FORMAT
                    + "'");
        }
        int version = intField(file, p, "formatVersion");
        if (version < 1 || version > VERSION) {
            throw new IllegalArgumentException(file + ": format version " + version + ", this library reads 1 to "
                    + VERSION);
        }
        ActorHead head = ActorHead.MULTI_CATEGORICAL;
        String headLabel = p.getProperty("actor.head");
        if (headLabel != null) {
            try {
                head = ActorHead.fromLabel(headLabel.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": manifest field 'actor.head' is '" + headLabel
                        + "' (expected multi-categorical or joint-q)", e);
            }
        }
        if (version < formatVersion(head)) {
            throw new IllegalArgumentException(file + ": a " + head.label() + " actor needs format version "
                    + formatVersion(head) + ", the manifest says " + version);
        }
        EnvSignature env = envSignature(file, p);
        Mlp actor = readMlp(file, entries, ACTOR);
        checkShape(file, p, "actor", actor);
        Mlp critic = null;
        if (booleanField(file, p, "critic.present")) {
            if (!entries.containsKey(CRITIC)) {
                throw new IllegalArgumentException(file + ": the manifest says there is a critic, " + CRITIC
                        + " is missing");
            }
            critic = readMlp(file, entries, CRITIC);
            checkShape(file, p, "critic", critic);
        }
        ObservationNormalizer normalizer = null;
        if (booleanField(file, p, "normalizer.present")) {
            if (!entries.containsKey(NORMALIZER)) {
                throw new IllegalArgumentException(file + ": the manifest says there is a normalizer, " + NORMALIZER
                        + " is missing");
            }
            normalizer = ModelArchive.readEntry(file, NORMALIZER, entries.get(NORMALIZER),
                    ObservationNormalizer::read);
            int size = intField(file, p, "normalizer.size");
            if (size != normalizer.size()) {
                throw new IllegalArgumentException(file + ": manifest says normalizer.size " + size + ", "
                        + NORMALIZER + " has size " + normalizer.size());
            }
        }
        Map<String, String> hyper = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith("hyper.")) {
                hyper.put(k.substring("hyper.".length()), p.getProperty(k));
            }
        }
        String algorithm = nonBlankField(file, p, "algorithm", "the name of the algorithm that trained the policy, "
                + "e.g. afterstate or trpo");
        String libraryVersion = nonBlankField(file, p, "libraryVersion", "the version of the library that saved the "
                + "policy");
        try {
            return new SavedPolicy(algorithm, hyper, env, actor, critic, normalizer, libraryVersion, head);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The manifest field {@code key}, refused naming the file and the field when it is missing or blank, with what
     * was {@code expected}.
     */
    private static String nonBlankField(Path file, Properties p, String key, String expected) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(file + ": manifest field '" + key + "' is " + (v == null ? "missing"
                    : "'" + v + "'") + " (expected " + expected + ")");
        }
        return v;
    }

    private static Map<String, byte[]> readEntries(Path file) {
        try {
            return ModelArchive.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read policy file " + file + ": " + IoReasons.of(e), e);
        }
    }

    private static Mlp readMlp(Path file, Map<String, byte[]> entries, String name) {
        return ModelArchive.readEntry(file, name, entries.get(name), Mlp::read);
    }

    private static void checkShape(Path file, Properties p, String prefix, Mlp net) {
        String layers = p.getProperty(prefix + ".layers");
        String hidden = p.getProperty(prefix + ".hiddenActivation");
        String output = p.getProperty(prefix + ".outputActivation");
        String actual = join(net.layerSizes());
        if (!actual.equals(layers) || !net.hiddenActivation().label().equals(hidden)
                || !net.outputActivation().label().equals(output)) {
            throw new IllegalArgumentException(file + ": manifest says the " + prefix + " has layers " + layers
                    + " (" + hidden + ", output " + output + "), " + prefix + ".bin has " + actual + " ("
                    + net.hiddenActivation().label() + ", output " + net.outputActivation().label() + ")");
        }
    }

    private static EnvSignature envSignature(Path file, Properties p) {
        String services = requiredField(file, p, "env.services");
        int[] nvec = intList(file, p, "env.nvec");
        int tables = intField(file, p, "env.actionTables");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < tables; i++) {
            lines.add(requiredField(file, p, "env.actionTable." + i));
        }
        int observationSize = intField(file, p, "env.observationSize");
        String profile = requiredField(file, p, "env.profile");
        double quota = doubleField(file, p, "env.quota");
        String observation = p.getProperty("env.observation", EnvSignature.PAPER_OBSERVATION).strip();
        List<String> settings = new ArrayList<>();
        if (p.getProperty("env.serviceSettings") != null) {
            int n = intField(file, p, "env.serviceSettings");
            if (n < 0) {
                throw new IllegalArgumentException(file + ": manifest field 'env.serviceSettings' is " + n
                        + " (expected the number of services' settings lines, >= 0)");
            }
            for (int i = 0; i < n; i++) {
                settings.add(requiredField(file, p, "env.serviceSetting." + i));
            }
        }
        try {
            return new EnvSignature(Arrays.asList(services.split(",", -1)), nvec, observationSize, profile, lines,
                    quota, observation, settings);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": manifest env: " + e.getMessage(), e);
        }
    }

    private static int[] intList(Path file, Properties p, String key) {
        String v = requiredField(file, p, key);
        String[] parts = v.split(",", -1);
        int[] out = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                out[i] = Integer.parseInt(parts[i].trim());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": manifest field '" + key + "' is '" + v
                    + "' (expected integers separated by commas)");
        }
        return out;
    }
}
