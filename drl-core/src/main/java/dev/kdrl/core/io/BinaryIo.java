package dev.kdrl.core.io;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * Shared helpers of the project's binary model formats (networks, normalisers): arrays of doubles written
 * big-endian and read back without trusting a corrupt length.
 */
public final class BinaryIo {
    /** Largest number of layers accepted when reading a network. */
    public static final int MAX_LAYERS = 1_024;
    /** Largest layer or vector size accepted when reading, so a corrupt stream cannot allocate gigabytes. */
    public static final int MAX_SIZE = 1 << 20;
    /** Largest single array accepted when reading (2^28 doubles = 2 GiB). */
    public static final long MAX_ARRAY = 1L << 28;

    private BinaryIo() {
    }

    public static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    /**
     * Reads {@code count} doubles, growing the buffer as data arrives so that a corrupt length in a short
     * stream fails with EOF instead of allocating the full array up front.
     */
    public static double[] readDoubles(DataInputStream in, int count) throws IOException {
        double[] values = new double[Math.min(count, 1 << 16)];
        for (int i = 0; i < count; i++) {
            if (i == values.length) {
                values = Arrays.copyOf(values, (int) Math.min(count, 2L * values.length));
            }
            values[i] = in.readDouble();
        }
        return values;
    }

    /** {@code 0x%08X}, for magic numbers in messages. */
    public static String hex(int v) {
        return String.format("0x%08X", v);
    }
}
