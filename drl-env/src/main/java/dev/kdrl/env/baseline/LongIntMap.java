package dev.kdrl.env.baseline;

import java.util.Arrays;

/**
 * Open-addressing map from {@code long} keys to non-negative {@code int} values; -1 means absent.
 *
 * <p>Keys and values are interleaved in one array (slot {@code i}: key at {@code 2i}, value at
 * {@code 2i + 1}, value -1 when the slot is free), so a look-up usually touches a single cache line.
 */
final class LongIntMap {
    private static final long FREE = -1;

    private long[] slots;
    private int size;
    private int mask;

    LongIntMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        slots = new long[2 * cap];
        Arrays.fill(slots, FREE);
        mask = cap - 1;
    }

    int size() {
        return size;
    }

    void clear() {
        Arrays.fill(slots, FREE);
        size = 0;
    }

    private static int hash(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        return (int) k;
    }

    int get(long key) {
        long[] t = slots;
        int i = hash(key) & mask;
        while (true) {
            long v = t[2 * i + 1];
            if (v == FREE) {
                return -1;
            }
            if (t[2 * i] == key) {
                return (int) v;
            }
            i = (i + 1) & mask;
        }
    }

    void put(long key, int value) {
        insert(key, value, true);
    }

    /** The value of {@code key} if present; else maps it to {@code value} and returns -1. */
    int putIfAbsent(long key, int value) {
        return insert(key, value, false);
    }

    private int insert(long key, int value, boolean replace) {
        if (value < 0) {
            throw new IllegalArgumentException("values must be >= 0, got " + value);
        }
        if ((size + 1) * 2 > mask + 1) {
            grow();
        }
        long[] t = slots;
        int i = hash(key) & mask;
        while (true) {
            long v = t[2 * i + 1];
            if (v == FREE) {
                t[2 * i] = key;
                t[2 * i + 1] = value;
                size++;
                return -1;
            }
            if (t[2 * i] == key) {
                if (replace) {
                    t[2 * i + 1] = value;
                }
                return (int) v;
            }
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        Arrays.fill(slots, FREE);
        mask = slots.length / 2 - 1;
        size = 0;
        for (int i = 0; i < old.length; i += 2) {
            if (old[i + 1] != FREE) {
                insert(old[i], (int) old[i + 1], true);
            }
        }
    }
}
