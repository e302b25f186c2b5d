package dev.kdrl.env.cluster;

import java.util.Arrays;

/**
 * Times of pods waiting for one event (ready, or removed after draining), oldest first. Every pod of a queue waits
 * the same delay, so the queue stays sorted: events leave from the head; a scale-down removes the newest from the
 * tail.
 */
final class TimeQueue {
    private double[] times = new double[8];
    private int head;
    private int tail;

    int size() {
        return tail - head;
    }

    void add(double time) {
        if (tail == times.length) {
            if (head > 0) {
                System.arraycopy(times, head, times, 0, tail - head);
                tail -= head;
                head = 0;
            }
            if (tail == times.length) {
                times = Arrays.copyOf(times, times.length * 2);
            }
        }
        times[tail++] = time;
    }

    /** The earliest time; the queue must not be empty. */
    double first() {
        return times[head];
    }

    /** Removes and counts the pods whose time is at most {@code now}. */
    int pollDue(double now) {
        int n = 0;
        while (head < tail && times[head] <= now + 1e-9) {
            head++;
            n++;
        }
        if (head == tail) {
            head = 0;
            tail = 0;
        }
        return n;
    }

    /** Removes the newest pod. */
    void removeNewest() {
        tail--;
        if (head == tail) {
            head = 0;
            tail = 0;
        }
    }

    void clear() {
        head = 0;
        tail = 0;
    }
}
