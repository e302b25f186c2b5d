package dev.kdrl.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IoReasonsTest {

    @Test
    void namesTheReasonsOfRealFailuresWithoutRepeatingThePath(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.csv");
        IOException noFile = catchThrowableOfType(IOException.class, () -> Files.readAllBytes(missing));
        assertThat(noFile.getMessage()).isEqualTo(missing.toString()); // why the helper exists
        assertThat(IoReasons.of(noFile)).isEqualTo("no such file");

        Path existing = Files.writeString(dir.resolve("there.csv"), "x");
        IOException exists = catchThrowableOfType(IOException.class, () -> Files.createFile(existing));
        assertThat(IoReasons.of(exists)).isEqualTo("already exists");

        IOException notDir = catchThrowableOfType(IOException.class, () -> Files.list(existing.resolve("child")).close());
        assertThat(IoReasons.of(notDir)).doesNotContain(existing.toString()).isNotBlank();

        IOException isDir = catchThrowableOfType(IOException.class, () -> Files.readAllBytes(dir));
        assertThat(IoReasons.of(isDir)).isEqualToIgnoringCase("is a directory");
    }

    /** A file in another encoding: the decoder's message is only "Input length = 1". */
    @Test
    void aFileThatIsNotUtf8IsNamedSo(@TempDir Path dir) throws IOException {
        Path latin1 = Files.write(dir.resolve("latin1.csv"), new byte[] {'a', ',', (byte) 0xe9, '\n'});
        IOException decoding = catchThrowableOfType(IOException.class, () -> Files.readString(latin1));
        assertThat(decoding.getMessage()).startsWith("Input length");
        assertThat(IoReasons.of(decoding)).isEqualTo("not UTF-8 text (expected a text file saved as UTF-8)");
        // also when wrapped
        assertThat(IoReasons.of(new IOException("reading", decoding)))
                .isEqualTo("not UTF-8 text (expected a text file saved as UTF-8)");
    }

    @Test
    void otherExceptionsKeepTheirMessageOrName() {
        assertThat(IoReasons.of(new IOException("disk on fire"))).isEqualTo("disk on fire");
        assertThat(IoReasons.of(new IOException())).isEqualTo("IOException");
    }
}
