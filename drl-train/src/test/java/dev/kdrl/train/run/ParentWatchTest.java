package dev.kdrl.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A process started with {@link ParentWatch#VARIABLE} ends when its parent is killed with SIGKILL, reaped or not; one
 * started without it lives on (the control: the parent's death alone does not end it).
 */
class ParentWatchTest {

    @Test
    void aWatchingChildEndsWhenItsParentIsKilled() throws Exception {
        Process parent = new ProcessBuilder(java(Parent.class.getName(), "true")).redirectErrorStream(true).start();
        try (BufferedReader r = reader(parent)) {
            ProcessHandle child = child(r);
            try {
                parent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                assertFalse(child.onExit().get(30, TimeUnit.SECONDS).isAlive());
            } finally {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void aWatchingChildEndsWhenItsParentIsKilledAndNeverReapedAndSaysWhy() throws Exception {
        // sh starts the parent in the background and becomes `sleep`, which never waits for it: the killed parent
        // stays a zombie, which ProcessHandle.isAlive() takes for alive
        String command = java(Parent.class.getName(), "true").stream().map(a -> "'" + a + "'")
                .collect(java.util.stream.Collectors.joining(" ")) + " & exec sleep 120";
        Process shell = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        try (BufferedReader r = reader(shell)) {
            ProcessHandle child = child(r);
            try {
                ProcessHandle parent = child.parent().orElseThrow();
                assertEquals(shell.pid(), parent.parent().orElseThrow().pid());
                parent.destroyForcibly();
                assertFalse(child.onExit().get(30, TimeUnit.SECONDS).isAlive());
                // and says why, on the pipe it shares with the shell
                assertEquals("", r.readLine());
                assertEquals("drl: the process that started this one (PID " + parent.pid() + ") has ended; stopping",
                        r.readLine());
            } finally {
                child.destroyForcibly();
            }
        } finally {
            shell.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aChildWithoutTheVariableOutlivesItsParent() throws Exception {
        Process parent = new ProcessBuilder(java(Parent.class.getName(), "false")).redirectErrorStream(true).start();
        try (BufferedReader r = reader(parent)) {
            ProcessHandle child = child(r);
            try {
                parent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                Thread.sleep(3_000);
                assertTrue(child.isAlive(), "the child ended without the watch: the other tests prove nothing");
            } finally {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void aVariableNamingAnotherProcessThanTheParentEndsTheChildAtOnce() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(java(Child.class.getName())).redirectErrorStream(true);
        pb.environment().put(ParentWatch.VARIABLE, "1");
        Process child = pb.start();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(ParentWatch.EXIT_CODE, child.exitValue());
        assertEquals("\ndrl: the process that started this one is not PID 1 (DRL_EXIT_WITH_PARENT), or it has ended; "
                + "stopping\n", new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void aValueThatIsNoPidIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParentWatch.watch("12x"));
        assertEquals("environment variable DRL_EXIT_WITH_PARENT '12x': expected the PID of the process whose end "
                + "ends this one", e.getMessage());
    }

    @Test
    void noValueWatchesNothing() {
        ParentWatch.watch(null);
        ParentWatch.watch(" ");
        // no watch thread was started (one would halt this JVM once its parent check failed)
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("drl-parent-watch")),
                "a drl-parent-watch thread runs");
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    /** The child the parent started, once it says it is watching (or not). */
    private static ProcessHandle child(BufferedReader r) throws Exception {
        String line = r.readLine();
        assertTrue(line != null && line.startsWith("child "), "the parent printed " + line);
        ProcessHandle child = ProcessHandle.of(Long.parseLong(line.substring("child ".length()).strip()))
                .orElseThrow();
        assertEquals("ready", r.readLine());
        return child;
    }

    private static List<String> java(String main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), main));
        command.addAll(List.of(args));
        return command;
    }

    /** Starts a child (watching this process when args[0] is true), prints its PID, relays its output, sleeps. */
    public static final class Parent {
        public static void main(String[] args) throws Exception {
            ProcessBuilder pb = new ProcessBuilder(java(Child.class.getName())).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT);
            pb.environment().remove(ParentWatch.VARIABLE);
            if (Boolean.parseBoolean(args[0])) {
                pb.environment().put(ParentWatch.VARIABLE, Long.toString(ProcessHandle.current().pid()));
            }
            Process child = pb.start();
            System.out.println("child " + child.pid());
            System.out.flush();
            Thread.sleep(120_000);
        }
    }

    /** Watches as {@code drl} does, says so and sleeps. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            ParentWatch.fromEnvironment();
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
