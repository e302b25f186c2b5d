package dev.kdrl.env.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every profile file shipped under {@code datasets/profiles/} reads as it always has: the cluster it gives,
 * written out by {@link ProfileYaml#toYaml}, is pinned under {@code src/test/resources/profile/samples/} (written
 * by the reader this one replaced).
 */
class ProfileSamplesTest {

    static Stream<Path> samples() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("../datasets/profiles"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void shippedProfileReadsAsBefore(Path file) throws IOException {
        Path golden = Path.of("src/test/resources/profile/samples").resolve(file.getFileName() + ".read");
        String read = ProfileYaml.toYaml(ProfileYaml.read(file));
        assertThat(read).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }
}
