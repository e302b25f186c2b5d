package dev.kdrl.core.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Hand-made zips for the model-file tests: the kinds {@link ZipOutputStream} will not write. */
public final class TestZips {
    private TestZips() {
    }

    /** A test resource as a file, e.g. {@code /policy/fixture-v1.zip}. */
    public static Path resource(String name) {
        try {
            return Path.of(TestZips.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The entries of the zip {@code file}, name to content, in the zip's order (a later duplicate wins). */
    public static Map<String, byte[]> entries(Path file) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (InputStream is = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(is)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                m.put(e.getName(), zip.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    /**
     * A well-formed zip of {@code entries} in order, where a name may occur more than once ({@link
     * ZipOutputStream} refuses that, so a repeated name is written under a stand-in of the same length and
     * patched back in its local and central headers).
     */
    public static byte[] zip(List<Map.Entry<String, byte[]>> entries) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Set<String> seen = new HashSet<>();
        Set<String> repeated = new HashSet<>();
        try (ZipOutputStream zip = new ZipOutputStream(buf)) {
            for (Map.Entry<String, byte[]> e : entries) {
                String name = e.getKey();
                if (!seen.add(name)) {
                    repeated.add(name);
                    name = standIn(name);
                }
                zip.putNextEntry(new ZipEntry(name));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = buf.toByteArray();
        for (String name : repeated) {
            int patched = replaceAll(bytes, standIn(name).getBytes(StandardCharsets.UTF_8),
                    name.getBytes(StandardCharsets.UTF_8));
            if (patched != 2) {
                throw new IllegalStateException("expected the stand-in for " + name + " in 2 headers, found "
                        + patched);
            }
        }
        return bytes;
    }

    private static String standIn(String name) {
        return "\u0001" + name.substring(1);
    }

    private static int replaceAll(byte[] bytes, byte[] from, byte[] to) {
        int count = 0;
        for (int i = 0; i + from.length <= bytes.length; i++) {
            boolean match = true;
            for (int j = 0; j < from.length && match; j++) {
                match = bytes[i + j] == from[j];
            }
            if (match) {
                System.arraycopy(to, 0, bytes, i, to.length);
                count++;
            }
        }
        return count;
    }

    /**
     * The local header of a stored (uncompressed) entry that declares {@code declaredSize} bytes, and none of
     * its data: all a reader has seen of a huge entry when it must decide whether to read it.
     */
    public static byte[] storedEntryDeclaring(String name, int declaredSize) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(30 + n.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x04034b50); // local file header signature
        b.putShort((short) 10); // version needed to extract
        b.putShort((short) 0); // flags: sizes in this header
        b.putShort((short) 0); // method: stored
        b.putShort((short) 0); // time
        b.putShort((short) 0x2821); // date: 2000-01-01
        b.putInt(0); // crc
        b.putInt(declaredSize); // compressed size
        b.putInt(declaredSize); // uncompressed size
        b.putShort((short) n.length);
        b.putShort((short) 0); // extra field length
        b.put(n);
        return b.array();
    }
}
