package dev.kdrl.train.run;

import java.util.Optional;

/**
 * Ends a child process when the process that started it ends: {@code drl sweep run} starts each trial's
 * {@code drl train} with {@link #VARIABLE} set to its own PID, so a runner killed with SIGKILL (which runs no shutdown
 * hook, and so cannot stop its children itself) does not leave trainings running on the cores behind it.
 */
public final class ParentWatch {

    /** The environment variable naming the PID of the process whose end ends this one. */
    public static final String VARIABLE = "DRL_EXIT_WITH_PARENT";

    /** The exit code of a process ended because its parent ended. */
    public static final int EXIT_CODE = 143;

    private ParentWatch() {
    }

    /**
     * When {@link #VARIABLE} is set, watches that process and halts this one when it ends (at once if it is already
     * gone, or if it is not this process's parent any more: its PID may then name another process).
     *
     * @throws IllegalArgumentException if the variable is set but is not a PID
     */
    public static void fromEnvironment() {
        watch(System.getenv(VARIABLE));
    }

    /** As {@link #fromEnvironment()}, with the variable's value given (null or blank: nothing to watch). */
    static void watch(String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("environment variable " + VARIABLE + " '" + value
                    + "': expected the PID of the process whose end ends this one");
        }
        Optional<ProcessHandle> parent = ProcessHandle.current().parent().filter(p -> p.pid() == pid);
        if (parent.isEmpty() || !parent.get().isAlive()) {
            halt(pid);
            return;
        }
        parent.get().onExit().thenRun(() -> halt(pid));
    }

    private static void halt(long pid) {
        // on a line of its own: the progress line before it ends in a carriage return
        System.err.println();
        System.err.println("drl: the process that started this one (PID " + pid + ") has ended; stopping");
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_CODE);
    }
}
