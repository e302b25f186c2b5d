package dev.kdrl.train.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictorCommandTest {

    @Test
    void trainThenEvaluateWithJsonAndPlot(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("p.zip");
        DrlCommandTest.Run t = DrlCommandTest.run("predictor", "train", "--trace", "../datasets/paper/train-200.csv",
                "--column", "house", "--out", model.toString(), "--units", "4", "--layers", "1", "--epochs", "3",
                "--seed", "1");
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("saved " + model).contains("epochs 3");
        assertThat(model).exists();

        Path png = dir.resolve("plot.png");
        DrlCommandTest.Run e = DrlCommandTest.run("predictor", "evaluate", "--model", model.toString(), "--trace",
                "../datasets/paper/train-200.csv", "--json", "--plot", png.toString());
        assertThat(e.code()).as(e.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(e.out());
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0).get("model").asText()).startsWith("bilstm(1x4,w=7)");
        assertThat(rows.get(1).get("model").asText()).isEqualTo("last-value");
        assertThat(rows.get(2).get("model").asText()).isEqualTo("moving-average(3)");
        assertThat(rows.get(3).get("model").asText()).startsWith("holt(");
        for (JsonNode r : rows) {
            assertThat(r.get("series").asText()).isEqualTo("train-200.csv:house");
            assertThat(r.get("mae").asDouble()).isPositive();
            assertThat(r.get("rmse").asDouble()).isGreaterThanOrEqualTo(r.get("mae").asDouble());
            assertThat(r.get("smape").asDouble()).isBetween(0.0, 200.0);
        }
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(1100);

        DrlCommandTest.Run table = DrlCommandTest.run("predictor", "evaluate", "--model", model.toString(), "--trace",
                "../datasets/paper/train-200.csv", "--column", "senti");
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).contains("train-200.csv:senti").contains("sMAPE %");

        DrlCommandTest.Run bench = DrlCommandTest.run("predictor", "bench", "--model", model.toString(), "--trace",
                "../datasets/paper/train-200.csv", "--calls", "50");
        assertThat(bench.code()).as(bench.err()).isZero();
        assertThat(bench.out()).contains("50 single predictions").contains("p99");
        DrlCommandTest.Run none = DrlCommandTest.run("predictor", "bench", "--model", model.toString(), "--trace",
                "../datasets/paper/train-200.csv", "--calls", "0");
        assertThat(none.err().strip()).isEqualTo("drl predictor bench: --calls 0: expected a whole number >= 1");
        Path four = Files.writeString(dir.resolve("four.csv"), "house\n1\n2\n3\n4\n");
        DrlCommandTest.Run shortTrace = DrlCommandTest.run("predictor", "bench", "--model", model.toString(), "--trace",
                four.toString());
        assertThat(shortTrace.err().strip()).isEqualTo("drl predictor bench: --trace " + four + ": column house has 4 "
                + "rows, fewer than the predictor's window of 7 (it would time the last-value fallback, not the "
                + "network)");
        // a model trained on everything is evaluated on the last fraction given
        Path all = dir.resolve("all.zip");
        DrlCommandTest.Run everything = DrlCommandTest.run("predictor", "train", "--trace",
                "../datasets/paper/train-200.csv", "--column", "house", "--out", all.toString(), "--units", "4",
                "--layers", "1", "--epochs", "1", "--seed", "1", "--test-fraction", "0");
        assertThat(everything.code()).as(everything.err()).isZero();
        DrlCommandTest.Run noTail = DrlCommandTest.run("predictor", "evaluate", "--model", all.toString(), "--trace",
                "../datasets/paper/test-20.csv");
        assertThat(noTail.err().strip()).isEqualTo("drl predictor evaluate: --model " + all + " was trained on the whole "
                + "of its columns (test fraction 0): give --test-fraction F to evaluate on the last F of "
                + "../datasets/paper/test-20.csv");
        DrlCommandTest.Run tail = DrlCommandTest.run("predictor", "evaluate", "--model", all.toString(), "--trace",
                "../datasets/nasa/nasa-http-1995-scaled100.csv", "--test-fraction", "0.5");
        assertThat(tail.code()).as(tail.err()).isZero();
        assertThat(tail.out()).contains("nasa-http-1995-scaled100.csv:house");
        // the same command again is refused before training, the predictor kept; with --overwrite it is replaced
        byte[] first = Files.readAllBytes(all);
        DrlCommandTest.Run again = DrlCommandTest.run("predictor", "train", "--trace",
                "../datasets/paper/train-200.csv", "--column", "house", "--out", all.toString(), "--units", "4",
                "--layers", "1", "--epochs", "1", "--seed", "2", "--test-fraction", "0");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err().strip()).isEqualTo("drl predictor train: --out " + all + ": exists (a predictor trained "
                + "before?); pass --overwrite to replace it, or another --out");
        assertThat(Files.readAllBytes(all)).isEqualTo(first);
        DrlCommandTest.Run replaced = DrlCommandTest.run("predictor", "train", "--trace",
                "../datasets/paper/train-200.csv", "--column", "house", "--out", all.toString(), "--units", "4",
                "--layers", "1", "--epochs", "1", "--seed", "2", "--test-fraction", "0", "--overwrite");
        assertThat(replaced.code()).as(replaced.err()).isZero();
        assertThat(Files.readAllBytes(all)).isNotEqualTo(first);
        Path flat = Files.writeString(dir.resolve("flat.csv"), "house\n" + "5\n".repeat(40));
        DrlCommandTest.Run constant = DrlCommandTest.run("predictor", "train", "--trace", flat.toString(), "--column",
                "house", "--out", dir.resolve("flat.zip").toString(), "--units", "4", "--layers", "1", "--epochs", "1");
        assertThat(constant.err()).contains("note: column house of " + flat + " is constant (5.0): the network learns "
                + "nothing of how a load changes from it");
        DrlCommandTest.Run twice = DrlCommandTest.run("predictor", "train", "--trace", "../datasets/paper/train-200.csv",
                "--column", "house,house", "--out", dir.resolve("twice.zip").toString());
        assertThat(twice.err().strip()).isEqualTo("drl predictor train: --column house,house: 'house' is named twice "
                + "(expected each column once: twice would count its windows twice)");
    }

    /**
     * Bad fractions are named as the options, a column too short for the split names the trace, the column and the
     * rows it needs, and a predictor file with a bad manifest field names the file and the field.
     */
    @Test
    void fractionsShortColumnsAndDamagedFilesAreNamed(@TempDir Path dir) throws Exception {
        String train = "../datasets/paper/train-200.csv";
        String test = "../datasets/paper/test-20.csv";
        String out = dir.resolve("never.zip").toString();
        // {options after "drl predictor train --trace <test> --column house --out <out>", the message}
        for (String[] c : List.of(new String[] {"--test-fraction", "1", "--test-fraction 1.0: expected a number >= 0 "
                        + "and < 1"},
                new String[] {"--test-fraction", "-0.1", "--test-fraction -0.1: expected a number >= 0 and < 1"},
                new String[] {"--val-fraction", "0", "--val-fraction 0.0: expected a number > 0 and < 1"},
                new String[] {"--window", "15", "--trace " + test + ": column house has 20 rows, of which 13 are left "
                        + "for training after the test and validation parts (test fraction 0.2, validation fraction "
                        + "0.2): too few for --window 15 (expected at least 26 rows)"})) {
            DrlCommandTest.Run r = DrlCommandTest.run("predictor", "train", "--trace", test, "--column", "house",
                    "--out", out, c[0], c[1]);
            assertThat(r.code()).as(c[0]).isEqualTo(1);
            assertThat(r.err().strip()).isEqualTo("drl predictor train: " + c[2]);
        }
        assertThat(Path.of(out)).doesNotExist();
        Path model = dir.resolve("p.zip");
        DrlCommandTest.Run t = DrlCommandTest.run("predictor", "train", "--trace", train, "--column", "house", "--out",
                model.toString(), "--units", "4", "--layers", "1", "--epochs", "1");
        assertThat(t.code()).as(t.err()).isZero();
        Path three = Files.writeString(dir.resolve("three.csv"), "house\n34\n50\n66\n");
        DrlCommandTest.Run shortTrace = DrlCommandTest.run("predictor", "evaluate", "--model", model.toString(),
                "--trace", three.toString());
        assertThat(shortTrace.code()).isEqualTo(1);
        assertThat(shortTrace.err().strip()).isEqualTo("drl predictor evaluate: --trace " + three + ": column house has "
                + "3 rows, of which 2 are left for training after the test and validation parts (test fraction 0.2, "
                + "validation fraction 0.2): too few for the window of 7 of --model " + model + " (expected at least "
                + "13 rows)");
        DrlCommandTest.Run noTail = DrlCommandTest.run("predictor", "evaluate", "--model", model.toString(), "--trace",
                test, "--test-fraction", "0.01");
        assertThat(noTail.err().strip()).isEqualTo("drl predictor evaluate: --trace " + test + ": column house has 20 "
                + "rows, too few for a test tail of at least one row at test fraction 0.01, validation fraction 0.2 "
                + "(expected at least 100 rows)");
        Path fraction = DrlCommandTest.withManifest(model, dir.resolve("fraction.zip"),
                m -> m.replace("meta.testFraction=0.2\n", "meta.testFraction=abc\n"));
        DrlCommandTest.Run abc = DrlCommandTest.run("predictor", "evaluate", "--model", fraction.toString(), "--trace",
                test);
        assertThat(abc.code()).isEqualTo(1);
        assertThat(abc.err().strip()).isEqualTo("drl predictor evaluate: " + fraction + ": manifest field "
                + "'meta.testFraction' is 'abc' (expected a number >= 0 and < 1)");
        Path window = DrlCommandTest.withManifest(model, dir.resolve("window.zip"),
                m -> m.replace("\nwindow=7\n", "\nwindow=0\n"));
        for (String command : List.of("evaluate", "bench")) {
            DrlCommandTest.Run w = DrlCommandTest.run("predictor", command, "--model", window.toString(), "--trace",
                    test);
            assertThat(w.code()).as(command).isEqualTo(1);
            assertThat(w.err().strip()).isEqualTo("drl predictor " + command + ": " + window + ": manifest field "
                    + "'window' is '0' (expected an integer >= 1)");
        }
        // read as the cluster model's forecast, the file is named once, after its option
        DrlCommandTest.Run cluster = DrlCommandTest.run("evaluate", "--model", "../models/paper-afterstate-synthetic.zip",
                "--trace", test, "--dynamics", "cluster", "--predictor", "bilstm", "--predictor-model",
                window.toString());
        assertThat(cluster.err().strip()).isEqualTo("drl evaluate: --predictor-model " + window + ": manifest field "
                + "'window' is '0' (expected an integer >= 1)");
    }

    @Test
    void badInputIsOneLine(@TempDir Path dir) throws Exception {
        DrlCommandTest.Run r = DrlCommandTest.run("predictor", "train", "--trace", "../datasets/paper/train-200.csv",
                "--column", "nope", "--out", dir.resolve("p.zip").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
        assertThat(r.err()).contains("no column 'nope'");
        Path junk = dir.resolve("junk.zip");
        Files.writeString(junk, "junk");
        r = DrlCommandTest.run("predictor", "evaluate", "--model", junk.toString(), "--trace",
                "../datasets/paper/train-200.csv");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("junk.zip").contains("not a predictor file");
    }
}
