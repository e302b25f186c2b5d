package dev.kdrl.core.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The zip container of the project's model files ({@code PolicyFile}, {@code PredictorFile}): named entries,
 * one of them a {@code .properties} manifest, the others binary streams. What each format puts in it is up to
 * the format; this class guarantees, for every format that uses it:
 *
 * <ul>
 *   <li><b>Deterministic bytes.</b> {@link #write} stores the entries in the order given, each with the fixed
 *       time {@link #ENTRY_TIME} and no other varying field, and {@link #manifestText} writes the manifest
 *       with its keys sorted and no timestamp, so the same content gives the same file, byte for byte (on one
 *       JDK: the compressed bytes come from its zlib).
 *   <li><b>Atomic write, cleaned up.</b> {@link #write} writes a temporary file next to the target (with the
 *       usual permissions, not the owner-only ones of {@link Files#createTempFile}) and renames it over the
 *       target, so a crash never leaves half a file; when anything fails the temporary file is deleted and an
 *       existing target is left as it was.
 *   <li><b>Bounded reading.</b> {@link #read} refuses an entry larger than {@link #MAX_ENTRY} bytes, whether
 *       its header declares so (refused before reading it) or its data turns out so, so a hostile zip cannot
 *       exhaust memory with one entry.
 *   <li><b>No duplicate entries.</b> {@link #read} refuses a zip that holds one name twice, instead of letting
 *       the later one silently win.
 *   <li><b>No trailing bytes.</b> {@link #readEntry} refuses a binary entry its reader does not consume to the
 *       end.
 * </ul>
 *
 * <p>Content errors are {@link IllegalArgumentException}s whose message is one line naming the file, what is
 * wrong and what was expected; I/O errors are {@link IOException}s for the caller to wrap with what it was
 * doing.
 */
public final class ModelArchive {
    /** The time stored on every entry (2000-01-01T00:00:00Z), so that equal content gives equal bytes. */
    public static final long ENTRY_TIME = 946_684_800_000L;
    /** Largest entry {@link #read} accepts (1 GiB). */
    public static final int MAX_ENTRY = 1 << 30;

    private ModelArchive() {
    }

    /** Writes one binary entry's content. */
    @FunctionalInterface
    public interface EntryWriter {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads one binary entry's content. */
    @FunctionalInterface
    public interface EntryReader<T> {
        T read(DataInputStream in) throws IOException;
    }

    /** The bytes {@code writer} writes. */
    public static byte[] bytes(EntryWriter writer) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buf)) {
            writer.write(out);
        }
        return buf.toByteArray();
    }

    /**
     * A manifest in {@code .properties} syntax: the line {@code #comment}, then one {@code key=value} line per
     * field in key order, escaped as {@link Properties#store} escapes them, {@code \n} line ends and none of the
     * timestamp {@code store} would add.
     */
    public static String manifestText(String comment, Map<String, String> fields) {
        StringBuilder text = new StringBuilder("#").append(comment).append('\n');
        for (Map.Entry<String, String> e : new TreeMap<>(fields).entrySet()) {
            Properties one = new Properties();
            one.setProperty(e.getKey(), e.getValue());
            StringWriter w = new StringWriter();
            try {
                one.store(w, null);
            } catch (IOException impossible) {
                throw new IllegalStateException("a StringWriter failed", impossible);
            }
            for (String line : w.toString().split("\\R")) {
                if (!line.startsWith("#") && !line.isEmpty()) {
                    text.append(line).append('\n');
                }
            }
        }
        return text.toString();
    }

    /**
     * Writes {@code entries} (name to content, stored in the map's order) as a zip to {@code file}, replacing
     * it atomically; creates the parent directories. On failure nothing is left behind: no temporary file, and
     * {@code file} as it was.
     */
    public static void write(Path file, Map<String, byte[]> entries) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        Objects.requireNonNull(entries, "entries must not be null");
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // not Files.createTempFile: that makes the file owner-only; this one gets the usual permissions
        Path tmp = Files.createFile(dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp"));
        try {
            try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    ZipEntry entry = new ZipEntry(e.getKey());
                    entry.setTime(ENTRY_TIME);
                    zip.putNextEntry(entry);
                    zip.write(e.getValue());
                    zip.closeEntry();
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Reads every entry of the zip {@code file}: name to content, in name order. A file that is not a zip
     * reads as no entries.
     *
     * @throws IllegalArgumentException naming the file, if an entry is larger than {@link #MAX_ENTRY} bytes, a name
     *                                  occurs twice, or the zip is corrupt or truncated (an entry's data does not
     *                                  inflate or fails its checksum, or the directory at the end of the zip is
     *                                  missing or lists other entries)
     * @throws IOException              if the file cannot be read
     */
    public static Map<String, byte[]> read(Path file) throws IOException {
        return read(file, MAX_ENTRY);
    }

    /** {@link #read(Path)} with another limit on an entry's size (for tests). */
    static Map<String, byte[]> read(Path file, int maxEntry) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        Map<String, byte[]> entries = new TreeMap<>();
        try {
            readEntries(file, maxEntry, entries);
            if (!entries.isEmpty()) {
                requireDirectory(file, entries);
            }
        } catch (ZipException | EOFException e) {
            throw corrupt(file, e.getMessage());
        }
        return entries;
    }

    private static void readEntries(Path file, int maxEntry, Map<String, byte[]> entries) throws IOException {
        try (InputStream is = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(is)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.getSize() > maxEntry) {
                    throw tooLarge(file, e.getName(), maxEntry);
                }
                byte[] data = zip.readNBytes(maxEntry);
                if (zip.read() != -1) {
                    throw tooLarge(file, e.getName(), maxEntry);
                }
                if (entries.put(e.getName(), data) != null) {
                    throw new IllegalArgumentException(file + ": duplicate entry " + e.getName()
                            + " (expected each entry name once)");
                }
            }
        }
    }

    /**
     * Refuses a zip whose entries, read one after another, are not those its central directory lists: a file cut
     * short after its last entry's data (the directory lost) reads entry by entry but is not a whole zip.
     */
    private static void requireDirectory(Path file, Map<String, byte[]> entries) throws IOException {
        java.util.Set<String> listed = new java.util.TreeSet<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            zip.stream().forEach(e -> listed.add(e.getName()));
        }
        if (!listed.equals(entries.keySet())) {
            throw corrupt(file, "its directory lists " + listed + ", its entries are " + entries.keySet());
        }
    }

    private static IllegalArgumentException corrupt(Path file, String detail) {
        return new IllegalArgumentException(file + ": corrupt or truncated zip (" + detail + "); expected the whole "
                + "file as it was written");
    }

    private static IllegalArgumentException tooLarge(Path file, String name, int maxEntry) {
        return new IllegalArgumentException(file + ": entry " + name + " is larger than " + maxEntry
                + " bytes (the largest entry this reader accepts)");
    }

    /**
     * Parses the manifest entry {@code name} of {@code file}.
     *
     * @throws IllegalArgumentException naming the file and the entry, if it is not valid {@code .properties}
     */
    public static Properties readManifest(Path file, String name, byte[] data) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(data, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": unreadable " + name + ": " + e.getMessage(), e);
        }
        return p;
    }

    /**
     * The manifest field {@code key}.
     *
     * @throws IllegalArgumentException {@code "<file>: manifest field '<key>' is missing"}
     */
    public static String requiredField(Path file, Properties manifest, String key) {
        String v = manifest.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException(file + ": manifest field '" + key + "' is missing");
        }
        return v;
    }

    /**
     * The manifest field {@code key} as an integer (surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the file, the field and its value, if it is missing or not an integer
     */
    public static int intField(Path file, Properties manifest, String key) {
        String v = requiredField(file, manifest, key);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": manifest field '" + key + "' is '" + v
                    + "' (expected an integer)");
        }
    }

    /**
     * The manifest field {@code key} as a number (surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the file, the field and its value, if it is missing or not a number
     */
    public static double doubleField(Path file, Properties manifest, String key) {
        String v = requiredField(file, manifest, key);
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": manifest field '" + key + "' is '" + v
                    + "' (expected a number)");
        }
    }

    /**
     * The manifest field {@code key} as {@code true} or {@code false} (surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the file, the field and its value, if it is missing or neither
     */
    public static boolean booleanField(Path file, Properties manifest, String key) {
        String v = requiredField(file, manifest, key).trim();
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(file + ": manifest field '" + key + "' is '" + v
                    + "' (expected true or false)");
        }
        return v.equals("true");
    }

    /**
     * Reads the binary entry {@code name} of {@code file} with {@code reader}, which must consume it to the
     * end.
     *
     * @throws IllegalArgumentException {@code "<file>: <name>: <what is wrong>"}, if the reader fails or leaves
     *                                  bytes unread ({@code "corrupt <name>: <n> unexpected trailing bytes"})
     */
    public static <T> T readEntry(Path file, String name, byte[] data, EntryReader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            T value = reader.read(in);
            int extra = in.available();
            if (extra > 0) {
                throw new IOException("corrupt " + name + ": " + extra + " unexpected trailing bytes");
            }
            return value;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + name + ": " + e.getMessage(), e);
        }
    }
}
