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
 * A process started with {@link ParentWatch#VARIABLE} ends when its parent is killed with SIGKILL; one started without
 * it lives on (the control: the parent's death alone does not end it).
 */
class ParentWatchTest {

    @Test
    void aWatchingChildEndsWhenItsParentIsKilled() throws Exception {
        ProcessHandle child = childOfKilledParent(true);
        try {
            ProcessHandle ended = child.onExit().get(30, TimeUnit.SECONDS);
            assertFalse(ended.isAlive());
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aChildWithoutTheVariableOutlivesItsParent() throws Exception {
        ProcessHandle child = childOfKilledParent(false);
        try {
            Thread.sleep(5_000);
            assertTrue(child.isAlive(), "the child ended without the watch: the other test proves nothing");
        } finally {
            child.destroyForcibly();
        }
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
        assertTrue(ProcessHandle.current().isAlive());
    }

    /** Starts a parent JVM that starts a child JVM, kills the parent with SIGKILL and returns the child. */
    private static ProcessHandle childOfKilledParent(boolean watch) throws Exception {
        Process parent = new ProcessBuilder(java(Parent.class.getName(), Boolean.toString(watch)))
                .redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(parent.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = r.readLine();
            assertTrue(line != null && line.startsWith("child "), "the parent printed " + line);
            long pid = Long.parseLong(line.substring("child ".length()).strip());
            ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
            // the child is watching (or not) once it says so
            assertEquals("ready", r.readLine());
            parent.destroyForcibly();
            parent.waitFor(30, TimeUnit.SECONDS);
            return child;
        }
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
