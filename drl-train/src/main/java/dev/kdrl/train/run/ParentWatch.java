package dev.kdrl.train.run;

/**
 * Ends a child process when the process that started it ends: {@code drl sweep run} starts each trial's
 * {@code drl train} with {@link #VARIABLE} set to its own PID, so a runner killed with SIGKILL (which runs no shutdown
 * hook, and so cannot stop its children itself) does not leave trainings running on the cores behind it.
 *
 * <p>The watch polls this process's own parent: when the runner ends, this process is handed to another parent at
 * once, even while the runner is a zombie nobody has reaped (which a watch of the runner's own state would take for
 * alive).
 */
public final class ParentWatch {

    /** The environment variable naming the PID of the process whose end ends this one. */
    public static final String VARIABLE = "DRL_EXIT_WITH_PARENT";

    /** The exit code of a process ended because its parent ended. */
    public static final int EXIT_CODE = 143;

    /** How often the parent is looked at, in milliseconds. */
    static final long POLL_MILLIS = 250;

    private ParentWatch() {
    }

    /**
     * When {@link #VARIABLE} is set, watches that process and halts this one (exit code {@link #EXIT_CODE}) when it
     * ends: at once if it is not this process's parent (it has ended already, or the variable names another process).
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
        if (!isParent(pid)) {
            halt("the process that started this one is not PID " + pid + " (" + VARIABLE + "), or it has ended");
        }
        Thread t = new Thread(() -> {
            while (isParent(pid)) {
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
            halt("the process that started this one (PID " + pid + ") has ended");
        }, "drl-parent-watch");
        t.setDaemon(true);
        t.start();
    }

    private static boolean isParent(long pid) {
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == pid;
    }

    private static void halt(String why) {
        // on a line of its own: the progress line before it ends in a carriage return
        System.err.println();
        System.err.println("drl: " + why + "; stopping");
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_CODE);
    }
}
