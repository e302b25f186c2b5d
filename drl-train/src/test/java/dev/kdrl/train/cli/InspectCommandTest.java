package dev.kdrl.train.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {

    @Test
    void saysWhatTheBundledPolicyHoldsAndRecords() {
        DrlCommandTest.Run r = DrlCommandTest.run("inspect", "--model", "../models/paper-afterstate.zip");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("../models/paper-afterstate.zip: policy trained by afterstate, saved by drl ")
                .contains("\n  environment   profile paper, quota 40 cores\n")
                .contains("\n  service       senti: 7 configurations; sloMs=2200.0 khpaLatencyThresholdMs=1500.0 "
                        + "maxPodStep=2\n")
                .contains("\n  observation   afterstate-traffic (60 numbers)\n")
                .contains("\n  actor         60-64-64-1 tanh, 8,129 parameters, head afterstate-value\n")
                .contains("\n  critic        none\n")
                .contains("\n  trained on    house 0..109, senti 0..108, numbr 0..109 (the loads of its training "
                        + "traffic)\n")
                .contains("\n  dynamics      paper (none recorded; a policy trained with --dynamics cluster records it "
                        + "since 2026-12-07)\n")
                .contains("\n    lookahead_anchor_confidence = 0.5\n");
    }

    @Test
    void jsonHoldsTheSameAndAnOlderModelSaysItRecordedNoLoads() throws Exception {
        DrlCommandTest.Run r = DrlCommandTest.run("inspect", "--model", "../models/paper-afterstate.zip", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode d = new ObjectMapper().readTree(r.out());
        assertThat(d.get("algorithm").asText()).isEqualTo("afterstate");
        assertThat(d.get("quota").asDouble()).isEqualTo(40);
        assertThat(d.get("services").get(2).get("name").asText()).isEqualTo("numbr");
        assertThat(d.get("services").get(2).get("configurations").asInt()).isEqualTo(8);
        assertThat(d.get("actor").get("layers").toString()).isEqualTo("[60,64,64,1]");
        assertThat(d.get("critic").isNull()).isTrue();
        assertThat(d.get("kind").asText()).isEqualTo("policy");
        assertThat(d.get("trainedLoads").get("senti").get("high").asDouble()).isEqualTo(108);
        assertThat(d.get("dynamics").isNull()).isTrue();
        assertThat(d.get("normalizer").asBoolean()).isTrue();
        assertThat(d.get("hyperParameters").get("gamma").asText()).isEqualTo("0.8");
        // saved before the loads were recorded
        DrlCommandTest.Run old = DrlCommandTest.run("inspect", "--model", "../models/paper-afterstate-web.zip");
        assertThat(old.out()).contains("\n  trained on    (the loads were not recorded)\n");
        DrlCommandTest.Run oldJson = DrlCommandTest.run("inspect", "--model", "../models/paper-afterstate-web.zip",
                "--json");
        assertThat(new ObjectMapper().readTree(oldJson.out()).get("trainedLoads").isNull()).isTrue();
    }

    /** A recorded value holding a line break or an escape sequence keeps the text layout's one line per value. */
    @Test
    void aHyperParameterIsOneLineWhateverItHolds(@TempDir Path dir) throws Exception {
        dev.kdrl.core.policy.SavedPolicy saved = dev.kdrl.core.policy.PolicyFile.load(
                Path.of("../models/paper-afterstate.zip"));
        Path odd = dir.resolve("odd.zip");
        dev.kdrl.core.policy.PolicyFile.save(saved.withHyperParameter("note", "two\nlines \u001b[2J")
                .withHyperParameter("dynamics", "x\ny").withHyperParameter("load_range", "house=\n"), odd);
        DrlCommandTest.Run r = DrlCommandTest.run("inspect", "--model", odd.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("\n    note = two\\u000alines \\u001b[2J\n").doesNotContain("\u001b")
                .contains("\n  dynamics      x\\u000ay\n").contains("\n    dynamics = x\\u000ay\n")
                .contains("\n  trained on    (recorded, but cannot be read: ");
        // one line per field: the text layout's lines all begin with the indentation of a field or a value
        assertThat(r.out().lines().skip(1)).allMatch(l -> l.startsWith("  "));
        DrlCommandTest.Run json = DrlCommandTest.run("inspect", "--model", odd.toString(), "--json");
        assertThat(new ObjectMapper().readTree(json.out()).get("hyperParameters").get("note").asText())
                .isEqualTo("two\nlines \u001b[2J");
    }

    /** A predictor's recorded values keep one line each too: here a trace whose file name holds a line break. */
    @Test
    void aTrafficPredictorIsDescribedAsOne(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("p.zip");
        Path trace = Files.copy(Path.of("../datasets/paper/train-200.csv"), dir.resolve("train\n200.csv"));
        DrlCommandTest.Run t = DrlCommandTest.run("predictor", "train", "--trace", trace.toString(),
                "--column", "house", "--out", p.toString(), "--units", "4", "--layers", "1", "--epochs", "1");
        assertThat(t.code()).as(t.err()).isZero();
        DrlCommandTest.Run r = DrlCommandTest.run("inspect", "--model", p.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith(p + ": a traffic predictor (bilstm(1x4,w=7), drl predictor train), not a policy\n"
                + "  network       1 Bi-LSTM layer(s) of 4 units, window 7\n")
                .contains("\n    columns = house\n").contains("\n    trace = " + dir + "/train\\u000a200.csv\n");
        assertThat(r.out().lines().skip(1)).allMatch(l -> l.startsWith("  "));
        JsonNode d = new ObjectMapper().readTree(DrlCommandTest.run("inspect", "--model", p.toString(), "--json").out());
        assertThat(d.get("window").asInt()).isEqualTo(7);
        assertThat(d.get("metadata").get("trace").asText()).isEqualTo(trace.toString());
    }

    @Test
    void unreadableTrainingLoadsAreSaidOnceAsSuch(@TempDir Path dir) throws Exception {
        Path odd = dir.resolve("odd.zip");
        dev.kdrl.core.policy.PolicyFile.save(dev.kdrl.core.policy.PolicyFile.load(Path.of(
                "../models/paper-afterstate.zip")).withHyperParameter("load_range", "house=100..1, senti=1..2, "
                + "numbr=1..2"), odd);
        DrlCommandTest.Run r = DrlCommandTest.run("inspect", "--model", odd.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("\n  trained on    (recorded, but cannot be read: manifest field 'hyper.load_range': "
                + "load range of house: 100.0..1.0 (expected finite numbers, the first at most the second))\n");
        JsonNode d = new ObjectMapper().readTree(DrlCommandTest.run("inspect", "--model", odd.toString(), "--json")
                .out());
        assertThat(d.get("trainedLoads").isNull()).isTrue();
        assertThat(d.get("trainedLoadsError").asText()).startsWith("manifest field 'hyper.load_range': ");
    }

    @Test
    void aDamagedPredictorIsRefusedForWhatIsWrongWithIt(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("p.zip");
        assertThat(DrlCommandTest.run("predictor", "train", "--trace", "../datasets/paper/train-200.csv", "--column",
                "house", "--out", p.toString(), "--units", "4", "--layers", "1", "--epochs", "1").code()).isZero();
        // the same entries, the manifest claiming a later format version
        Path newer = dir.resolve("newer.zip");
        try (var in = new java.util.zip.ZipFile(p.toFile());
             var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(newer))) {
            for (var e : java.util.Collections.list(in.entries())) {
                byte[] b = in.getInputStream(e).readAllBytes();
                if (e.getName().equals("manifest.properties")) {
                    b = new String(b, java.nio.charset.StandardCharsets.UTF_8).replace("formatVersion=1",
                            "formatVersion=9").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                out.write(b);
                out.closeEntry();
            }
        }
        DrlCommandTest.Run r = DrlCommandTest.run("inspect", "--model", newer.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("drl inspect: ").contains("format version 9").doesNotContain("policy");
    }

    @Test
    void aFileThatIsNoPolicyIsOneLine(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.zip"), "junk");
        DrlCommandTest.Run r = DrlCommandTest.run("inspect", "--model", junk.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
        assertThat(r.err()).startsWith("drl inspect: ").contains(junk.toString());
        DrlCommandTest.Run missing = DrlCommandTest.run("inspect", "--model", dir.resolve("none.zip").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err().strip().lines().count()).isEqualTo(1);
        assertThat(missing.err()).contains(dir.resolve("none.zip").toString());
    }
}
