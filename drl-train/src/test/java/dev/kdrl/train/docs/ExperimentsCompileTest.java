package dev.kdrl.train.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The diagnostic programs of {@code docs/experiments/} stay outside the build, but {@code docs/benchmarks.md} gives
 * commands that run them against the project's classes: each must still compile against them, so an API change
 * that would break a documented command fails here instead.
 */
class ExperimentsCompileTest {
    static final Path EXPERIMENTS = Path.of("../docs/experiments");

    static List<Path> programs() throws IOException {
        try (Stream<Path> files = Files.list(EXPERIMENTS)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** The test run's class path: surefire passes it in a property when it boots from a manifest-only jar. */
    static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    @Test
    void everyExperimentCompilesAgainstTheProjectClasses(@TempDir Path out) throws IOException {
        List<Path> programs = programs();
        assertThat(programs).extracting(p -> p.getFileName().toString())
                .contains("Expected3.java", "TrafficDraws.java");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK's compiler (javax.tools)").isNotNull();
        for (Path program : programs) {
            assertThat(compile(javac, program, out.resolve(program.getFileName().toString()))).as(program.toString())
                    .isEmpty();
        }
    }

    @Test
    void aProgramThatNoLongerMatchesTheApiIsCaught(@TempDir Path dir) throws IOException {
        // the check can fail: a call of a method the project's classes lack does not compile
        Path broken = dir.resolve("Broken.java");
        Files.writeString(broken, """
                import dev.kdrl.env.paper.PaperProfile;
                public class Broken {
                    public static void main(String[] a) { PaperProfile.model().noSuchMethod(); }
                }
                """);
        assertThat(compile(ToolProvider.getSystemJavaCompiler(), broken, dir.resolve("out")))
                .contains("noSuchMethod");
    }

    /** Compiles one source file into out; returns javac's error messages (empty when it compiled). */
    static String compile(JavaCompiler javac, Path source, Path out) throws IOException {
        Files.createDirectories(out);
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
            List<String> options = new ArrayList<>(List.of("-cp", classPath(), "-d", out.toString(), "-proc:none"));
            StringWriter log = new StringWriter();
            boolean ok = javac.getTask(log, files, diagnostics, options, null, files.getJavaFileObjects(source)).call();
            StringBuilder errors = new StringBuilder(ok ? "" : log.toString());
            diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR)
                    .forEach(d -> errors.append(d.getLineNumber()).append(": ").append(d.getMessage(null)).append('\n'));
            return errors.toString();
        }
    }
}
