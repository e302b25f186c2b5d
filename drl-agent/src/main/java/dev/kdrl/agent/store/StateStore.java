package dev.kdrl.agent.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The agent's state file ({@code state.json}): written whole to a temporary file in the same directory,
 * forced to disk, then renamed over the old one (and the directory forced), so a crash leaves either the
 * old or the new state, never a mix.
 */
public final class StateStore {
    /** The version written; files of other versions are refused. */
    public static final int FORMAT_VERSION = 1;
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

    /** Saves the decision about to be written, before writing it. */
    public void savePending(AgentState state) {
        write(pending, state);
    }

    /** Forgets the pending decision. */
    public void clearPending() {
        try {
            Files.deleteIfExists(pending);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + pending + ": " + e.getMessage(), e);
        }
    }

    private static AgentState load(Path file, List<String> services) {
        if (!Files.exists(file)) {
            return null;
        }
        AgentState s;
        try {
            s = JSON.readValue(file.toFile(), AgentState.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(file + ": not a valid agent state (" + e.getOriginalMessage()
                    + "); move it away to start from the initial state");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
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
            throw new UncheckedIOException("cannot save the agent state to " + file + ": " + e.getMessage(), e);
        }
    }
}
