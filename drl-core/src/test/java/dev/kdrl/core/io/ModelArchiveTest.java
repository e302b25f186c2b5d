package dev.kdrl.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelArchiveTest {

    static Map<String, byte[]> sample() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("manifest.properties", "#x\nb=2\na=1\n".getBytes(StandardCharsets.UTF_8));
        entries.put("z.bin", new byte[] {1, 2, 3, 4, 5});
        entries.put("a.bin", new byte[] {9});
        return entries;
    }

    static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesTheSameBytesForTheSameEntriesAndReadsThemBack(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.zip");
        Path b = dir.resolve("sub/b.zip");
        ModelArchive.write(a, sample());
        ModelArchive.write(b, sample());
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        List<String> order = new ArrayList<>();
        try (InputStream is = Files.newInputStream(a); ZipInputStream zip = new ZipInputStream(is)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                order.add(e.getName());
                assertThat(e.getTime()).as(e.getName()).isEqualTo(ModelArchive.ENTRY_TIME);
                assertThat(e.getExtra()).as(e.getName()).isNull();
            }
        }
        assertThat(order).containsExactly("manifest.properties", "z.bin", "a.bin");
        Map<String, byte[]> read = ModelArchive.read(a);
        assertThat(read.keySet()).containsExactly("a.bin", "manifest.properties", "z.bin");
        sample().forEach((name, bytes) -> assertThat(read.get(name)).as(name).isEqualTo(bytes));
        assertThat(listing(dir)).containsExactly("a.zip", "sub");
        assertThat(listing(dir.resolve("sub"))).containsExactly("b.zip");
    }

    @Test
    void theManifestIsSortedEscapedAndHasNoTimestamp(@TempDir Path dir) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("z", "last");
        fields.put("a key", "x=y:z #not a comment");
        fields.put("m", "two\nlines, ü");
        fields.put("#k", "");
        String text = ModelArchive.manifestText("kdrl test", fields);
        assertThat(text).isEqualTo("#kdrl test\n"
                + "\\#k=\n"
                + "a\\ key=x\\=y\\:z \\#not a comment\n"
                + "m=two\\nlines, ü\n"
                + "z=last\n");
        Properties p = ModelArchive.readManifest(dir.resolve("m.zip"), "manifest.properties",
                text.getBytes(StandardCharsets.UTF_8));
        Map<String, String> back = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> back.put(k, p.getProperty(k)));
        assertThat(back).containsExactlyEntriesOf(new TreeMap<>(fields));
        Path file = dir.resolve("m.zip");
        assertThatThrownBy(() -> ModelArchive.readManifest(file, "manifest.properties",
                "a=\\uZZZZ\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ": unreadable manifest.properties: ");
    }

    @Test
    void refusesDuplicateEntries(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("dup.zip");
        Files.write(file, TestZips.zip(List.of(
                Map.entry("a.bin", new byte[] {1}),
                Map.entry("b.bin", new byte[] {2}),
                Map.entry("a.bin", new byte[] {3}))));
        assertThatThrownBy(() -> ModelArchive.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + ": duplicate entry a.bin (expected each entry name once)");
    }

    @Test
    void refusesEntriesLargerThanTheLimit(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("big.zip");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("small.bin", new byte[16]);
        entries.put("big.bin", new byte[17]);
        ModelArchive.write(file, entries);
        // the entries' sizes are not in their local headers (deflated, sizes after the data): found by reading
        assertThatThrownBy(() -> ModelArchive.read(file, 16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + ": entry big.bin is larger than 16 bytes (the largest entry this reader "
                        + "accepts)");
        assertThat(ModelArchive.read(file, 17)).containsOnlyKeys("small.bin", "big.bin");
        // a header that declares more than the limit is refused before any of the data is read
        Path declared = dir.resolve("declared.zip");
        Files.write(declared, TestZips.storedEntryDeclaring("huge.bin", ModelArchive.MAX_ENTRY + 1));
        assertThatThrownBy(() -> ModelArchive.read(declared))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(declared + ": entry huge.bin is larger than " + ModelArchive.MAX_ENTRY
                        + " bytes (the largest entry this reader accepts)");
    }

    /** A copy cut short or damaged on its way is refused as such, never read as fewer or other bytes. */
    @Test
    void refusesACorruptOrTruncatedZip(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("whole.zip");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        byte[] data = new byte[4000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + i / 7);
        }
        entries.put("manifest.properties", "format=x\n".getBytes(StandardCharsets.UTF_8));
        entries.put("n.bin", data);
        ModelArchive.write(file, entries);
        byte[] whole = Files.readAllBytes(file);
        assertThat(ModelArchive.read(file)).containsOnlyKeys("manifest.properties", "n.bin");

        // cut inside the last entry's data
        Path cut = dir.resolve("cut.zip");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> ModelArchive.read(cut))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(cut + ": corrupt or truncated zip (")
                .hasMessageEndingWith("); expected the whole file as it was written");
        // cut after the entries: every entry reads, the directory at the end is gone
        Path noDirectory = dir.resolve("no-directory.zip");
        int firstDirectory = indexOf(whole, new byte[] {0x50, 0x4b, 0x01, 0x02}); // the first central header
        Files.write(noDirectory, java.util.Arrays.copyOf(whole, firstDirectory));
        assertThatThrownBy(() -> ModelArchive.read(noDirectory))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(noDirectory + ": corrupt or truncated zip (");
        // a byte of the deflated data changed: it no longer inflates, or fails its checksum
        Path flipped = dir.resolve("flipped.zip");
        byte[] damaged = whole.clone();
        damaged[firstDirectory / 2] ^= 0x5a;
        Files.write(flipped, damaged);
        assertThatThrownBy(() -> ModelArchive.read(flipped))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(flipped + ": corrupt or truncated zip (");
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        for (int i = 0; i + pattern.length <= data.length; i++) {
            if (java.util.Arrays.equals(data, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aFileThatIsNotAZipHasNoEntries(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("notes.zip");
        Files.writeString(file, "hello");
        assertThat(ModelArchive.read(file)).isEmpty();
    }

    @Test
    void readEntryRefusesTrailingBytesAndNamesTheFileAndEntry(@TempDir Path dir) {
        Path file = dir.resolve("m.zip");
        byte[] exact = {0, 0, 0, 7};
        assertThat(ModelArchive.readEntry(file, "n.bin", exact, DataInputStream::readInt)).isEqualTo(7);
        byte[] longer = {0, 0, 0, 7, 1, 2};
        assertThatThrownBy(() -> ModelArchive.readEntry(file, "n.bin", longer, DataInputStream::readInt))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + ": n.bin: corrupt n.bin: 2 unexpected trailing bytes");
        byte[] shorter = {0, 0};
        assertThatThrownBy(() -> ModelArchive.readEntry(file, "n.bin", shorter, DataInputStream::readInt))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ": n.bin: ");
    }

    @Test
    void aFailedWriteLeavesNoTemporaryFileAndTheTargetAsItWas(@TempDir Path dir) throws IOException {
        // a directory in the way: the zip is written, the rename fails
        Path blocked = dir.resolve("blocked.zip");
        Files.createDirectories(blocked.resolve("inside"));
        assertThatThrownBy(() -> ModelArchive.write(blocked, sample())).isInstanceOf(IOException.class);
        assertThat(listing(dir)).containsExactly("blocked.zip");
        assertThat(listing(blocked)).containsExactly("inside");
        // the writing itself fails half-way: the existing file keeps its bytes
        Path existing = dir.resolve("existing.zip");
        ModelArchive.write(existing, sample());
        byte[] before = Files.readAllBytes(existing);
        Map<String, byte[]> broken = new LinkedHashMap<>(sample());
        broken.put("broken.bin", null);
        assertThatThrownBy(() -> ModelArchive.write(existing, broken)).isInstanceOf(NullPointerException.class);
        assertThat(listing(dir)).containsExactly("blocked.zip", "existing.zip");
        assertThat(Files.readAllBytes(existing)).isEqualTo(before);
    }

    @Test
    void manifestFieldsAreReadOneWayForEveryArchive() {
        Path file = Path.of("m.zip");
        Properties p = new Properties();
        p.setProperty("n", " 7 ");
        p.setProperty("x", "2.5");
        p.setProperty("b", "true ");
        p.setProperty("bad", "seven");
        assertThat(ModelArchive.requiredField(file, p, "x")).isEqualTo("2.5");
        assertThat(ModelArchive.intField(file, p, "n")).isEqualTo(7);
        assertThat(ModelArchive.doubleField(file, p, "x")).isEqualTo(2.5);
        assertThat(ModelArchive.booleanField(file, p, "b")).isTrue();
        assertThatThrownBy(() -> ModelArchive.intField(file, p, "absent"))
                .hasMessage("m.zip: manifest field 'absent' is missing");
        assertThatThrownBy(() -> ModelArchive.intField(file, p, "bad"))
                .hasMessage("m.zip: manifest field 'bad' is 'seven' (expected an integer)");
        assertThatThrownBy(() -> ModelArchive.doubleField(file, p, "bad"))
                .hasMessage("m.zip: manifest field 'bad' is 'seven' (expected a number)");
        assertThatThrownBy(() -> ModelArchive.booleanField(file, p, "bad"))
                .hasMessage("m.zip: manifest field 'bad' is 'seven' (expected true or false)");
    }
}
