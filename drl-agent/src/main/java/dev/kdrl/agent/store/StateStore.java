package dev.kdrl.agent.store;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.kdrl.core.io.IoReasons;
import dev.kdrl.core.io.ParserMessages;
import dev.kdrl.core.io.Printable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The agent's state file ({@code state.json}): written whole to a temporary file in the same directory,
 * forced to disk, then renamed over the old one (and the directory forced), so a crash leaves either the
 * old or the new state, never a mix.
 */
public final class StateStore {
    /** The version written; files of other versions are refused. */
    public static final int FORMAT_VERSION = 1;
    /**
     * The most pods a restored state may hold for one service (a Kubernetes cluster's documented limit is 150,000):
     * {@link dev.kdrl.agent.config.AgentConfig#MAX_PODS}, the default and bound of a service's {@code maxPods}.
     */
    public static final int MAX_PODS = dev.kdrl.agent.config.AgentConfig.MAX_PODS;
    /** The most CPU cores a restored state may hold for one service. */
    public static final double MAX_CORES = 1e7;
    /** The temporary files {@link #write} leaves behind when the process dies between writing and renaming. */
    private static final Pattern LEFTOVER = Pattern.compile("\\.(state|pending)\\.json\\.[0-9]+\\.tmp"
            + "|\\.write-check-[0-9]+\\.tmp");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final Path file;
    private final Path pending;

    public StateStore(Path dir) {
        this.file = dir.resolve("state.json");
        this.pending = dir.resolve("pending.json");
    }

    public Path file() {
        return file;
    }

    /**
     * The saved state, or {@code null} when there is none yet.
     *
     * @throws IllegalStateException naming the file when it is unreadable or was written for other services
     */
    public AgentState load(List<String> services) {
        return load(file, services);
    }

    /**
     * The decision saved by {@link #savePending} and not yet confirmed by {@link #save}: the agent stopped
     * between writing the resource and saving the state, or while writing. {@code null} when there is none.
     */
    public AgentState loadPending(List<String> services) {
        return load(pending, services);
    }

    /**
     * The saved state, checked against the model's services: the names (in model order), each action index
     * within its service's table of configurations, pods in [0, {@link #MAX_PODS}], resources finite in
     * [0, {@link #MAX_CORES}], the observation finite, the time an ISO-8601 instant. {@code null} when there
     * is none yet.
     *
     * @param numActions the number of configurations of each service, in model order
     * @throws IllegalStateException one line naming the file, the field, the value and the expectation
     */
    public AgentState load(List<String> services, int[] numActions) {
        return check(file, load(file, services), numActions);
    }

    /** {@link #loadPending(List)} with the range checks of {@link #load(List, int[])}. */
    public AgentState loadPending(List<String> services, int[] numActions) {
        return check(pending, load(pending, services), numActions);
    }

    private static AgentState check(Path file, AgentState s, int[] numActions) {
        if (s == null) {
            return null;
        }
        String fix = "; move it away to start from the initial state";
        for (int i = 0; i < numActions.length; i++) {
            String svc = " (service " + s.services().get(i) + ")";
            if (s.action()[i] < 0 || s.action()[i] >= numActions[i]) {
                throw new IllegalStateException(file + ": action[" + i + "]" + svc + " is " + s.action()[i]
                        + ", expected a configuration index in [0, " + (numActions[i] - 1) + "]" + fix);
            }
            if (s.pods()[i] < 0 || s.pods()[i] > MAX_PODS) {
                throw new IllegalStateException(file + ": pods[" + i + "]" + svc + " is " + s.pods()[i]
                        + ", expected a pod count in [0, " + MAX_PODS + "]" + fix);
            }
            double r = s.resources()[i];
            if (!Double.isFinite(r) || r < 0 || r > MAX_CORES) {
                throw new IllegalStateException(file + ": resources[" + i + "]" + svc + " is " + r
                        + ", expected a finite number of cores in [0, " + (long) MAX_CORES + "]" + fix);
            }
        }
        if (s.cycles() < 0) {
            throw new IllegalStateException(file + ": cycles is " + s.cycles() + ", expected >= 0" + fix);
        }
        if (s.observation() != null) {
            for (int i = 0; i < s.observation().length; i++) {
                if (!Double.isFinite(s.observation()[i])) {
                    throw new IllegalStateException(file + ": observation[" + i + "] is " + s.observation()[i]
                            + ", expected a finite number" + fix);
                }
            }
        }
        try {
            Instant.parse(String.valueOf(s.time()));
        } catch (DateTimeParseException e) {
            throw new IllegalStateException(file + ": time is '" + Printable.escape(String.valueOf(s.time()), 80)
                    + "', expected an ISO-8601 instant such as 2026-11-22T10:00:55Z" + fix);
        }
        return s;
    }

    /**
     * Checks at start that the directory can be written (created if missing, a file written and deleted in it), so
     * that a read-only or misplaced {@code stateDir} stops the agent before its first cycle rather than failing it.
     *
     * @throws UncheckedIOException naming the directory and the reason
     */
    public void requireWritable() {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-check-", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new UncheckedIOException("stateDir " + dir + ": cannot write in it: " + IoReasons.of(e)
                    + " (expected a writable directory)", e);
        }
    }

    /**
     * Deletes the temporary files a process killed between writing and renaming left behind
     * ({@code .state.json.<pid>.tmp}, {@code .pending.json.<pid>.tmp}). Call it at start, before the first
     * write, and only in the process that writes this directory (a leader, not a standby).
     *
     * @return the files deleted
     */
    public List<Path> removeLeftovers() {
        Path dir = file.toAbsolutePath().getParent();
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return removed;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                if (LEFTOVER.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)) {
                    Files.deleteIfExists(p);
                    removed.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the leftover temporary files in " + dir + ": "
                    + IoReasons.of(e), e);
        }
        return removed;
    }

    /** Saves the decision about to be written, before writing it. */
    public void savePending(AgentState state) {
        write(pending, state);
    }

    /** Forgets the pending decision. */
    public void clearPending() {
        try {
            Files.deleteIfExists(pending);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + pending + ": " + IoReasons.of(e), e);
        }
    }

    /**
     * The state in {@code bytes}, read from {@code file}. What is wrong is said in words (where the JSON breaks,
     * the field that is missing or holds a value of the wrong kind), never with the JSON library's class or option
     * names.
     */
    private static AgentState parse(Path file, byte[] bytes) {
        String invalid = file + ": not a valid agent state: ";
        String fix = "; move it away to start from the initial state";
        JsonNode tree;
        try {
            tree = JSON.readTree(bytes);
        } catch (StreamReadException e) {
            JsonLocation at = e.getLocation();
            String where = at != null && at.getLineNr() > 0 ? " at line " + at.getLineNr() + ", column "
                    + at.getColumnNr() : "";
            throw new IllegalStateException(invalid + (e instanceof JsonEOFException
                    ? "not valid JSON: the file ends" + where + " inside a value (cut short?)"
                    : "not valid JSON" + where + ": " + ParserMessages.syntaxProblem(e.getOriginalMessage())) + fix);
        } catch (IOException e) {
            throw new IllegalStateException(invalid + "not valid JSON" + fix);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new IllegalStateException(invalid + "the file is empty" + fix);
        }
        if (!tree.isObject()) {
            throw new IllegalStateException(invalid + "it is " + value(tree) + ", expected a JSON object with the "
                    + "fields " + COMPONENTS.keySet() + fix);
        }
        JsonNode version = tree.path("formatVersion");
        if (version.isIntegralNumber() && (!version.canConvertToInt() || version.intValue() != FORMAT_VERSION)) {
            // another version's fields may differ: say so before reading them
            throw new IllegalStateException(file + ": formatVersion is " + version + ", expected " + FORMAT_VERSION);
        }
        try {
            return JSON.treeToValue(tree, AgentState.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalStateException(invalid + "field '" + path(e.getPath()) + "' is not a field of the agent "
                    + "state (expected " + COMPONENTS.keySet() + ")" + fix);
        } catch (JsonMappingException e) {
            // a field missing, null, of the wrong kind or out of range: named with its value from the file
            List<JsonMappingException.Reference> refs = e.getPath();
            JsonNode v = tree.at(pointer(refs));
            Type type = typeAt(refs);
            String expected = type == null ? null : expected(type);
            if (v.isIntegralNumber() && (type == int.class || type == long.class)) {
                expected += type == int.class ? " in [" + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "]"
                        : " in [" + Long.MIN_VALUE + ", " + Long.MAX_VALUE + "]";
            }
            throw new IllegalStateException(invalid + (refs.isEmpty() ? "a value" : "field '" + path(refs) + "'")
                    + (v.isMissingNode() ? " is missing" : " is " + value(v))
                    + (expected != null ? ", expected " + expected : " of the wrong kind") + fix);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(invalid + "a value of the wrong kind" + fix);
        }
    }

    /** The record's fields and their types, in order: what a state file holds. */
    private static final Map<String, Type> COMPONENTS = components();

    private static Map<String, Type> components() {
        Map<String, Type> m = new LinkedHashMap<>();
        for (RecordComponent c : AgentState.class.getRecordComponents()) {
            m.put(c.getName(), c.getGenericType());
        }
        return m;
    }

    /** {@code action[1]}, {@code spec.servicehouse_resource}: the field a reference chain leads to. */
    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                b.append(b.length() > 0 ? "." : "").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return Printable.escape(b.toString(), 80);
    }

    /** The declared type of the field a reference chain leads to, {@code null} when unknown. */
    private static Type typeAt(List<JsonMappingException.Reference> refs) {
        Type t = AgentState.class;
        for (JsonMappingException.Reference r : refs) {
            if (t == AgentState.class && r.getFieldName() != null) {
                t = COMPONENTS.get(r.getFieldName());
            } else if (t instanceof Class<?> c && c.isArray() && r.getFieldName() == null) {
                t = c.getComponentType();
            } else if (t instanceof ParameterizedType pt && r.getFieldName() == null
                    && List.class.isAssignableFrom((Class<?>) pt.getRawType())) {
                t = pt.getActualTypeArguments()[0];
            } else if (t instanceof ParameterizedType pt && r.getFieldName() != null
                    && Map.class.isAssignableFrom((Class<?>) pt.getRawType())) {
                t = pt.getActualTypeArguments()[1];
            } else {
                return null;
            }
            if (t == null) {
                return null;
            }
        }
        return t == AgentState.class ? null : t;
    }

    private static JsonPointer pointer(List<JsonMappingException.Reference> refs) {
        JsonPointer p = JsonPointer.empty();
        for (JsonMappingException.Reference r : refs) {
            p = r.getFieldName() != null ? p.appendProperty(r.getFieldName())
                    : p.appendIndex(Math.max(0, r.getIndex()));
        }
        return p;
    }

    /** A value as it stands in the file, quoted when a string, shortened when long. */
    private static String value(JsonNode v) {
        if (v.isNull()) {
            return "null";
        }
        return Printable.escape(v.isTextual() ? "'" + v.textValue() + "'" : v.toString(), 80);
    }

    private static String expected(Type type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == int[].class) {
            return "an array of integers";
        }
        if (type == double[].class) {
            return "an array of numbers";
        }
        Class<?> raw = type instanceof ParameterizedType pt ? (Class<?>) pt.getRawType()
                : type instanceof Class<?> c ? c : Object.class;
        if (java.util.Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            return type instanceof ParameterizedType pt && pt.getActualTypeArguments()[0] == String.class
                    ? "an array of strings" : "an array";
        }
        if (Map.class.isAssignableFrom(raw)) {
            return type instanceof ParameterizedType pt && pt.getActualTypeArguments()[1] == String.class
                    ? "an object whose values are strings" : "an object";
        }
        return "an object";
    }

    private static AgentState load(Path file, List<String> services) {
        if (!Files.exists(file)) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + IoReasons.of(e), e);
        }
        AgentState s = parse(file, bytes);
        if (s.formatVersion() != FORMAT_VERSION) {
            throw new IllegalStateException(file + ": formatVersion is " + s.formatVersion() + ", expected "
                    + FORMAT_VERSION);
        }
        int n = services.size();
        if (!services.equals(s.services())) {
            throw new IllegalStateException(file + ": services " + s.services() + " differ from the configured "
                    + services + "; move it away to start from the initial state");
        }
        if (s.action() == null || s.action().length != n || s.pods() == null || s.pods().length != n
                || s.resources() == null || s.resources().length != n) {
            throw new IllegalStateException(file + ": action, pods and resources must have " + n + " entries each");
        }
        return s;
    }

    /** Writes {@code state} atomically, then forgets the pending decision (it is now the state). */
    public void save(AgentState state) {
        write(file, state);
        clearPending();
    }

    private static void write(Path file, AgentState state) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically", e);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException ignored) {
                // some file systems cannot force a directory; the rename itself is atomic
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the agent state to " + file + ": " + IoReasons.of(e), e);
        }
    }
}
