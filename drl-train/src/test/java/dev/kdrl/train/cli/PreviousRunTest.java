package dev.kdrl.train.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreviousRunTest {

    @TempDir
    Path out;

    private final StringWriter err = new StringWriter();

    private void earlierRun() throws Exception {
        Files.writeString(out.resolve("model.zip"), "earlier model");
        Files.writeString(out.resolve("metrics.csv"), "earlier metrics");
        Files.createDirectories(out.resolve("checkpoints"));
        Files.writeString(out.resolve("checkpoints/step-100.zip"), "earlier checkpoint");
        Files.writeString(out.resolve("notes.txt"), "the user's own file");
    }

    private PreviousRun setAside() throws Exception {
        return PreviousRun.setAside(out, List.of("model.zip", "metrics.csv"), new PrintWriter(err));
    }

    @Test
    void theEarlierRunWaitsAsideAndIsDeletedOnceTheNewRunIsWritten() throws Exception {
        earlierRun();
        PreviousRun previous = setAside();
        assertThat(out.resolve("model.zip")).doesNotExist();
        assertThat(out.resolve("checkpoints")).doesNotExist();
        assertThat(Files.readString(out.resolve(".previous-run/model.zip"))).isEqualTo("earlier model");
        Files.writeString(out.resolve("model.zip"), "new model");
        previous.finish(true);
        assertThat(out.resolve(".previous-run")).doesNotExist();
        assertThat(Files.readString(out.resolve("model.zip"))).isEqualTo("new model");
        assertThat(Files.readString(out.resolve("notes.txt"))).isEqualTo("the user's own file");
    }

    @Test
    void aFailedRunPutsTheEarlierOneBack() throws Exception {
        earlierRun();
        PreviousRun previous = setAside();
        Files.writeString(out.resolve("metrics.csv"), "the failed run's metrics");
        Files.writeString(out.resolve("best.zip"), "the failed run's best");
        previous.finish(false);
        assertThat(Files.readString(out.resolve("model.zip"))).isEqualTo("earlier model");
        assertThat(Files.readString(out.resolve("metrics.csv"))).isEqualTo("earlier metrics");
        assertThat(Files.readString(out.resolve("checkpoints/step-100.zip"))).isEqualTo("earlier checkpoint");
        assertThat(out.resolve("best.zip")).doesNotExist();
        assertThat(out.resolve(".previous-run")).doesNotExist();
        assertThat(err.toString()).contains("the run failed; the earlier run in " + out + " is back in place");
    }

    @Test
    void afterAnInterruptedOverwriteTheNextKeepsTheLastFinishedRun() throws Exception {
        earlierRun();
        setAside(); // then killed: no finish
        Files.writeString(out.resolve("metrics.csv"), "the killed run's metrics");
        Files.writeString(out.resolve("model.zip"), "the killed run's model");
        DrlCommandTest.Run refused = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv", "--out",
                out.toString());
        assertThat(refused.err().strip()).isEqualTo("drl train: --out " + out + " already holds a run (model.zip, "
                + "metrics.csv; the last finished run is in " + out.resolve(".previous-run") + ", set aside by an "
                + "--overwrite that did not finish): pass --overwrite to replace it, or another --out");
        PreviousRun again = setAside();
        assertThat(err.toString()).contains(out.resolve(".previous-run") + " holds the run before an unfinished "
                + "--overwrite");
        assertThat(out.resolve("metrics.csv")).doesNotExist();
        assertThat(Files.readString(out.resolve(".previous-run/model.zip"))).isEqualTo("earlier model");
        again.finish(false);
        assertThat(Files.readString(out.resolve("model.zip"))).isEqualTo("earlier model");
        assertThat(Files.readString(out.resolve("metrics.csv"))).isEqualTo("earlier metrics");
    }

    @Test
    void aPreviousRunDirectoryWithoutTheMarkIsNeverTakenForAFinishedRun() throws Exception {
        earlierRun();
        Files.createDirectories(out.resolve(".previous-run"));
        Files.writeString(out.resolve(".previous-run/model.zip"), "something old, put there by hand");
        org.assertj.core.api.Assertions.assertThatThrownBy(this::setAside)
                .hasMessage("--out " + out + " holds " + out.resolve(".previous-run") + " without the mark drl train "
                        + "--overwrite leaves once a run is wholly set aside there: move it or delete it first");
        assertThat(Files.readString(out.resolve("model.zip"))).isEqualTo("earlier model"); // nothing touched
    }

    @Test
    void aKilledOverwriteThatWroteNoRunFileStillKeepsItsRunAndRefusesAPlainRun() throws Exception {
        earlierRun();
        setAside(); // then killed before writing anything
        DrlCommandTest.Run refused = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv", "--out",
                out.toString());
        assertThat(refused.err().strip()).isEqualTo("drl train: --out " + out + " already holds a run (the last "
                + "finished run is in " + out.resolve(".previous-run") + ", set aside by an --overwrite that did not "
                + "finish): pass --overwrite to replace it, or another --out");
        PreviousRun again = PreviousRun.setAside(out, List.of(), new PrintWriter(err));
        again.finish(true);
        assertThat(out.resolve(".previous-run")).doesNotExist();
        assertThat(out.resolve(".previous-run.deleting")).doesNotExist();
    }

    @Test
    void withoutAnEarlierRunNothingIsSetAside() throws Exception {
        PreviousRun previous = PreviousRun.setAside(out, List.of(), new PrintWriter(err));
        previous.finish(false);
        assertThat(out.resolve(".previous-run")).doesNotExist();
        assertThat(err.toString()).isEmpty();
    }
}
