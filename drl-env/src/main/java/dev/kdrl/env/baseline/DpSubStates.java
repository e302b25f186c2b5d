package dev.kdrl.env.baseline;

import java.util.Arrays;

/**
 * Interns the service-level states {@code (action, pods, resources)} of one service into dense ids
 * {@code 0, 1, ...} in order of first appearance, at most {@code limit} of them. Resources are compared
 * bitwise, as stored.
 */
final class DpSubStates {
    private final String service;
    private final int limit;
    private int[] action = new int[16];
    private int[] pods = new int[16];
    private double[] res = new double[16];
    private int size;
    /** Open addressing: id + 1 per slot, 0 when free. */
    private int[] table = new int[64];

    DpSubStates(String service, int limit) {
        this.service = service;
        this.limit = limit;
    }

    int size() {
        return size;
    }

    int action(int id) {
        return action[id];
    }

    int pods(int id) {
        return pods[id];
    }

    double res(int id) {
        return res[id];
    }

    /** The id of {@code (a, p, r)}, new if not seen yet. */
    int id(int a, int p, double r) {
        long bits = Double.doubleToRawLongBits(r);
        int mask = table.length - 1;
        int i = hash(a, p, bits) & mask;
        while (true) {
            int slot = table[i];
            if (slot == 0) {
                break;
            }
            int id = slot - 1;
            if (action[id] == a && pods[id] == p && Double.doubleToRawLongBits(res[id]) == bits) {
                return id;
            }
            i = (i + 1) & mask;
        }
        if (size >= limit) {
            throw new IllegalStateException("too many distinct states of service " + service
                    + " for the exact optimum (over " + limit + " in one step)");
        }
        int id = size++;
        if (id == action.length) {
            action = Arrays.copyOf(action, 2 * id);
            pods = Arrays.copyOf(pods, 2 * id);
            res = Arrays.copyOf(res, 2 * id);
        }
        action[id] = a;
        pods[id] = p;
        res[id] = r;
        table[i] = id + 1;
        if (2 * size > table.length) {
            rehash();
        }
        return id;
    }

    private void rehash() {
        table = new int[table.length * 2];
        int mask = table.length - 1;
        for (int id = 0; id < size; id++) {
            int i = hash(action[id], pods[id], Double.doubleToRawLongBits(res[id])) & mask;
            while (table[i] != 0) {
                i = (i + 1) & mask;
            }
            table[i] = id + 1;
        }
    }

    private static int hash(int a, int p, long r) {
        long k = r * 0x9e3779b97f4a7c15L + a * 0xc2b2ae3d27d4eb4fL + p;
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        return (int) k;
    }
}
