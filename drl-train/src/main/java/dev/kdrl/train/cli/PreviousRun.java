package dev.kdrl.train.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The run that {@code drl train --overwrite} replaces: moved into {@code --out/}{@value #DIR} before the new run
 * writes anything, deleted once the new run has written its files, moved back if the new run fails. A run that is
 * killed leaves it there, and the next {@code --overwrite} keeps it (the files then in {@code --out} are the killed
 * run's), so no finished run is lost.
 */
final class PreviousRun {
    /** Where the earlier run waits, inside {@code --out}. */
    static final String DIR = ".previous-run";
    /** A directory of the run besides {@link TrainCommand#RUN_FILES}. */
    static final String CHECKPOINTS = "checkpoints";
    /** In {@link #DIR}, written once every file is moved there: the directory holds a whole run set aside by us. */
    static final String MARKER = ".set-aside";

    private final String command;
    private final Path out;
    private final Path keep;
    private final PrintWriter err;

    private PreviousRun(String command, Path out, Path keep, PrintWriter err) {
        this.command = command;
        this.out = out;
        this.keep = keep;
        this.err = err;
    }

    /** Whether {@code out} holds a run set aside by an {@code --overwrite} that did not finish. */
    static boolean waiting(Path out) {
        return Files.isRegularFile(out.resolve(DIR).resolve(MARKER));
    }

    /**
     * Sets aside the run whose files {@code runFiles} (names in {@code out}, {@link TrainCommand#RUN_FILES}) are in
     * {@code out}; nothing when there are none and no run waits.
     *
     * @throws IllegalArgumentException when {@code out} holds a {@value #DIR} this class did not finish writing (moved
     *                                  by hand, or an interrupted move): nothing is touched
     */
    static PreviousRun setAside(Path out, List<String> runFiles, PrintWriter err) throws IOException {
        return setAside("drl train", out, runFiles, err);
    }

    /** {@link #setAside(Path, List, PrintWriter)} for {@code command} (named in what it says on {@code err}). */
    static PreviousRun setAside(String command, Path out, List<String> runFiles, PrintWriter err) throws IOException {
        Path keep = out.resolve(DIR);
        if (Files.exists(keep) && !waiting(out)) {
            throw new IllegalArgumentException("--out " + out + " holds " + keep + " without the mark drl train "
                    + "--overwrite leaves once a run is wholly set aside there: move it or delete it first");
        }
        List<String> names = new ArrayList<>(runFiles);
        if (Files.isDirectory(out.resolve(CHECKPOINTS))) {
            names.add(CHECKPOINTS);
        }
        if (waiting(out)) {
            // an earlier --overwrite did not finish: DIR holds the last finished run, --out the unfinished one's files
            for (String n : names) {
                dev.kdrl.train.run.Trees.delete(out.resolve(n));
            }
            err.println(command + ": " + keep + " holds the run before an unfinished --overwrite (kept until this run "
                    + "has written its files)" + (runFiles.isEmpty() ? "" : "; the unfinished run's "
                    + String.join(", ", names) + " deleted"));
            err.flush();
            return new PreviousRun(command, out, keep, err);
        }
        if (runFiles.isEmpty()) {
            return new PreviousRun(command, out, null, err);
        }
        Files.createDirectory(keep);
        for (String n : names) {
            Files.move(out.resolve(n), keep.resolve(n));
        }
        Files.writeString(keep.resolve(MARKER), "set aside by drl train --overwrite until the new run is written\n");
        return new PreviousRun(command, out, keep, err);
    }

    /**
     * Deletes the earlier run when the new one has written its files ({@code done}), else puts it back in place of
     * what the new run wrote. A failure to do so is reported, not thrown, so that it does not hide the run's own.
     */
    void finish(boolean done) {
        if (keep == null) {
            return;
        }
        try {
            if (done) {
                // renamed first, so that a deletion cut short never leaves a partial run under the marked name
                Path doomed = out.resolve(DIR + ".deleting");
                dev.kdrl.train.run.Trees.delete(doomed);
                Files.move(keep, doomed);
                dev.kdrl.train.run.Trees.delete(doomed);
                return;
            }
            List<String> written = new ArrayList<>(TrainCommand.RUN_FILES);
            written.add(CHECKPOINTS);
            for (String n : written) {
                dev.kdrl.train.run.Trees.delete(out.resolve(n));
            }
            Files.deleteIfExists(keep.resolve(MARKER));
            try (Stream<Path> kept = Files.list(keep)) {
                for (Path p : kept.toList()) {
                    Files.move(p, out.resolve(p.getFileName().toString()));
                }
            }
            Files.delete(keep);
            err.println(command + ": the run failed; the earlier run in " + out + " is back in place");
        } catch (IOException | UncheckedIOException e) {
            err.println(command + ": warning: could not " + (done ? "delete" : "restore") + " the earlier run in "
                    + keep + ": " + e.getMessage());
        }
        err.flush();
    }
}
