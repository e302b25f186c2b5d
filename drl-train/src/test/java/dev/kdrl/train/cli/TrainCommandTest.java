package dev.kdrl.train.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kdrl.env.trace.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

    @Test
    void theTrainingLoadsAreEachServicesRangeOrTheTracesWidenedToTheWindows() {
        String none = "--traffic-range-margin=0"; // the ranges themselves, before any margin
        assertThat(loads("--traffic-windows", "none", none)).isEqualTo("house=13..100, senti=27..100, numbr=13..80");
        assertThat(loads("--traffic-windows", "none", "--traffic-range", "trace", none))
                .isEqualTo("house=13..100, senti=13..100, numbr=13..100");
        // the trace as it is, unsampled: its own columns (no margin by default; a range option is refused there)
        assertThat(loads("--traffic-windows", "none", "--uniform-traffic", "0"))
                .isEqualTo("house=13..100, senti=27..100, numbr=13..80");
        assertThat(loads("--traffic-windows", "../datasets/paper/train-200.csv", none))
                .isEqualTo("house=1..100, senti=2..100, numbr=1..100");
        // every episode a window: --trace is never played (no margin by default)
        assertThat(loads("--traffic-windows", "../datasets/paper/train-200.csv", "--traffic-windows-share", "1"))
                .isEqualTo("house=1..100, senti=2..99, numbr=1..100");
        // noise only: the columns moved by 20 %, as far as the range they are clipped to lets them (numbr's 80 reaches
        // 96 within the whole trace's 13..100; senti's 27 goes down to 22)
        assertThat(loads("--traffic-windows", "none", "--uniform-traffic", "0", "--traffic-noise", "0.2",
                "--traffic-range", "trace")).isEqualTo("house=13..100, senti=22..100, numbr=13..96");
        assertThat(loads("--traffic-windows", "none", "--uniform-traffic", "0", "--traffic-noise", "0.2"))
                .isEqualTo("house=13..100, senti=27..100, numbr=13..80");
        // the default margin: 0.1 for afterstate, 0 for the others
        assertThat(loads("--traffic-windows", "none")).isEqualTo("house=5..108, senti=20..107, numbr=7..86");
        assertThat(loads("--traffic-windows", "none", "--algo", "ppo")).isEqualTo("house=13..100, senti=27..100, "
                + "numbr=13..80");
        // a margin widens each synthetic range by that share of its width at each end, in whole users: house
        // 13..100 by 8.7 to 4.3..108.7, senti 27..100 by 7.3, numbr 13..80 by 6.7; the windows widen it further
        assertThat(loads("--traffic-windows", "none", "--traffic-range-margin", "0.1"))
                .isEqualTo("house=5..108, senti=20..107, numbr=7..86");
        assertThat(loads("--traffic-windows", "none", "--traffic-range-margin", "1"))
                .isEqualTo("house=0..187, senti=0..173, numbr=0..147");
        assertThat(loads("--traffic-windows", "../datasets/paper/train-200.csv", "--traffic-range-margin", "0.1"))
                .isEqualTo("house=1..108, senti=2..107, numbr=1..100");
    }

    @Test
    void aRangeMarginIsAShareOfTheRangeAndNeedsSyntheticTraffic(@TempDir Path dir) {
        for (String bad : List.of("-0.1", "1.5", "NaN")) {
            DrlCommandTest.Run r = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv",
                    "--traffic-range-margin", bad, "--out", dir.resolve("x").toString());
            assertThat(r.code()).as(bad).isEqualTo(1);
            assertThat(r.err().strip()).as(bad).startsWith("drl train: --traffic-range-margin " + bad
                    + " is not in [0, 1]: expected the share of its width");
        }
        DrlCommandTest.Run none = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv",
                "--uniform-traffic", "0", "--traffic-range-margin", "0.1", "--out", dir.resolve("y").toString());
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err().strip()).isEqualTo("drl train: --traffic-range-margin 0.1 shapes synthetic training "
                + "traces, and --uniform-traffic 0 draws none: give --uniform-traffic above 0");
        for (String option : List.of("--traffic-range-margin", "--traffic-plain-share")) {
            DrlCommandTest.Run windowsOnly = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv",
                    "--traffic-windows", "../datasets/paper/train-200.csv", "--traffic-windows-share", "1", option,
                    "0.1", "--out", dir.resolve("z").toString());
            assertThat(windowsOnly.code()).isEqualTo(1);
            assertThat(windowsOnly.err().strip()).isEqualTo("drl train: " + option + " 0.1 shapes synthetic training "
                    + "traces, and --traffic-windows-share 1 plays recorded windows only: give a share below 1");
        }
        assertThat(dir.resolve("x")).doesNotExist();
        assertThat(dir.resolve("y")).doesNotExist();
        assertThat(dir.resolve("z")).doesNotExist();
    }

    /** The training loads drl train with {@code options} on test-20 records. */
    private static String loads(String... options) {
        TrainCommand c = new TrainCommand();
        List<String> args = new java.util.ArrayList<>(List.of("--trace", "../datasets/paper/test-20.csv", "--out", "o"));
        args.addAll(List.of(options));
        new picocli.CommandLine(c).parseArgs(args.toArray(String[]::new));
        return c.traffic().trainedLoads(dev.kdrl.env.paper.PaperProfile.model(),
                dev.kdrl.env.trace.TraceCsv.read(Path.of("../datasets/paper/test-20.csv"))).encode();
    }

    @Test
    void aModelRecordsItsTrainingLoadsAndEvaluateNotesLoadsWellOutsideThem(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        DrlCommandTest.Run t = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv", "--algo", "trpo",
                "--uniform-traffic", "0", "--timesteps", "76", "--envs", "2", "--n-steps", "19", "--out",
                out.toString());
        assertThat(t.code()).as(t.err()).isZero();
        dev.kdrl.core.policy.SavedPolicy saved = dev.kdrl.core.policy.PolicyFile.load(out.resolve("model.zip"));
        assertThat(saved.hyperParameters()).containsEntry("load_range", "house=13..100, senti=27..100, numbr=13..80");
        // house three times as loaded, far outside 13..100; numbr 5 users more, up to 85: above 13..80, but within a
        // tenth of its width (6.7); senti as trained
        Path big = dir.resolve("big.csv");
        List<String> lines = Files.readAllLines(Path.of("../datasets/paper/test-20.csv"));
        StringBuilder b = new StringBuilder(lines.get(0)).append('\n');
        for (String line : lines.subList(1, lines.size())) {
            String[] v = line.split(",");
            b.append(Integer.parseInt(v[0]) * 3).append(',').append(v[1]).append(',')
                    .append(Integer.parseInt(v[2]) + 5).append('\n');
        }
        Files.writeString(big, b.toString());
        DrlCommandTest.Run e = DrlCommandTest.run("evaluate", "--model", out.resolve("model.zip").toString(), "--trace",
                big + ",../datasets/paper/test-20.csv", "--no-optimum", "--lookahead", "0");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.err()).contains("note: " + big + " has loads well outside those " + out.resolve("model.zip")
                + " was trained on, where its decisions are extrapolation: house in 13 of 20 rows (farthest 300; "
                + "trained on 13..100)\n");
        assertThat(e.err()).doesNotContain("numbr in").doesNotContain("note: ../datasets/paper/test-20.csv has");
        // a recorded value that cannot be read: said, and the evaluation goes on
        Path odd = dir.resolve("odd.zip");
        dev.kdrl.core.policy.PolicyFile.save(saved.withHyperParameter("load_range", "house=lots"), odd);
        DrlCommandTest.Run unread = DrlCommandTest.run("evaluate", "--model", odd.toString(), "--trace", big.toString(),
                "--no-optimum", "--lookahead", "0");
        assertThat(unread.code()).as(unread.err()).isZero();
        assertThat(unread.err()).contains("note: " + odd + ": manifest field 'hyper.load_range': 'house=lots' (expected "
                + "service=LOW..HIGH, e.g. house=1..100); the played loads are not compared with its training loads\n");
    }

    @Test
    void trainSmokeThenEvaluate(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        DrlCommandTest.Run t = DrlCommandTest.run("train", "--profile", "paper", "--trace",
                "../datasets/paper/test-20.csv", "--algo", "trpo", "--timesteps", "400", "--seed", "1",
                "--envs", "2", "--n-steps", "19", "--out", out.toString());
        assertThat(t.code()).as(t.err()).isZero();
        for (String f : List.of("model.zip", "best.zip", "metrics.csv", "learning-curve.png")) {
            assertThat(out.resolve(f)).as(f).exists();
        }
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(csv.get(0)).contains("rollout/ep_rew_mean").contains("train/approx_kl").contains("train/value_loss")
                .contains("train/explained_variance").contains("time/fps").contains("eval/return");
        assertThat(csv).hasSizeGreaterThan(5);

        Path png = dir.resolve("eval.png");
        DrlCommandTest.Run e = DrlCommandTest.run("evaluate", "--model", out.resolve("model.zip").toString(),
                "--trace", "../datasets/paper/test-20.csv", "--json", "--lookahead", "0", "--plot", png.toString());
        assertThat(e.code()).as(e.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(e.out());
        assertThat(rows.get(0).get("policy").asText()).isEqualTo("model(trpo)");
        assertThat(rows.get(rows.size() - 1).get("policy").asText()).isEqualTo("optimum");
        DrlCommandTest.Run ignored = DrlCommandTest.run("evaluate", "--model", out.resolve("model.zip").toString(),
                "--trace", "../datasets/paper/test-20.csv", "--afterstate-lookahead-confidence", "1");
        assertThat(ignored.code()).isEqualTo(1);
        assertThat(ignored.err().strip()).isEqualTo("drl evaluate: --afterstate-lookahead-confidence applies to an "
                + "afterstate model only; " + out.resolve("model.zip") + " is a trpo model");
        for (JsonNode r : rows) {
            assertThat(r.get("trace").asText()).isEqualTo("../datasets/paper/test-20.csv");
            assertThat(r.has("pct_of_optimum")).isTrue();
            assertThat(r.has("over_quota_steps")).isTrue();
            assertThat(r.has("mean_cpu")).isTrue();
        }
        assertThat(png).exists();

        DrlCommandTest.Run window = DrlCommandTest.run("evaluate", "--model", out.resolve("model.zip").toString(),
                "--trace", "../datasets/nasa/nasa-http-1995-scaled100.csv", "--rows", "600:612", "--lookahead", "0",
                "--json");
        assertThat(window.code()).as(window.err()).isZero();
        JsonNode w = new ObjectMapper().readTree(window.out());
        assertThat(w.get(0).get("trace").asText()).endsWith("nasa-http-1995-scaled100.csv[600:612]");
        assertThat(w.get(0).get("steps").asInt()).isEqualTo(11);
        DrlCommandTest.Run badRows = DrlCommandTest.run("evaluate", "--model", out.resolve("model.zip").toString(),
                "--trace", "../datasets/paper/test-20.csv", "--rows", "5-9");
        assertThat(badRows.code()).isEqualTo(1);
        assertThat(badRows.err()).contains("--rows '5-9' is not FROM:TO");

        DrlCommandTest.Run wrong = DrlCommandTest.run("evaluate", "--model", out.resolve("model.zip").toString(),
                "--trace", "../datasets/paper/test-20.csv", "--profile", "paper-general", "--quota", "60");
        assertThat(wrong.code()).isEqualTo(1);
        assertThat(wrong.err()).contains("trained for a different environment").contains("quota 40.0 vs 60.0");
    }

    /** Training in the cluster-faithful model (PPO, no min-scale), then the model evaluated there beside Knative. */
    @Test
    void evaluateTakesTheQuotaAndProfileTheModelWasTrainedWith(@TempDir Path dir) throws Exception {
        Path profile = Files.copy(Path.of("../datasets/profiles/paper-services.yaml"), dir.resolve("three.yaml"));
        Path out = dir.resolve("q30");
        DrlCommandTest.Run t = DrlCommandTest.run("train", "--profile", profile.toString(), "--quota", "30", "--trace",
                "../datasets/paper/test-20.csv", "--timesteps", "380", "--envs", "2", "--out", out.toString());
        assertThat(t.code()).as(t.err()).isZero();
        String model = out.resolve("model.zip").toString();
        DrlCommandTest.Run e = DrlCommandTest.run("evaluate", "--model", model, "--trace",
                "../datasets/paper/test-20.csv", "--no-optimum", "--lookahead", "0");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("quota 30.0 cores, profile " + profile);
        // the profile named explicitly is played at its own quota unless --quota says otherwise: refused, named
        DrlCommandTest.Run other = DrlCommandTest.run("evaluate", "--model", model, "--profile", profile.toString(),
                "--trace", "../datasets/paper/test-20.csv", "--no-optimum", "--lookahead", "0");
        assertThat(other.code()).isEqualTo(1);
        assertThat(other.err()).contains("quota 30.0 vs 40.0");
        // the same file elsewhere (deployed, renamed): compared by its content, not its path
        Path moved = Files.copy(profile, dir.resolve("moved.yaml"));
        DrlCommandTest.Run elsewhere = DrlCommandTest.run("evaluate", "--model", model, "--profile", moved.toString(),
                "--quota", "30", "--trace", "../datasets/paper/test-20.csv", "--no-optimum", "--lookahead", "0");
        assertThat(elsewhere.code()).as(elsewhere.err()).isZero();
        assertThat(elsewhere.out()).contains("quota 30.0 cores, profile " + moved);
        // the file edited after training (other SLOs, same path): the model records its services' settings
        String trained = Files.readString(profile);
        Files.writeString(profile, trained.replace("sloMs: 1200", "sloMs: 1000"));
        DrlCommandTest.Run edited = DrlCommandTest.run("evaluate", "--model", model, "--trace",
                "../datasets/paper/test-20.csv", "--no-optimum", "--lookahead", "0");
        assertThat(edited.code()).isEqualTo(1);
        assertThat(edited.err()).contains("trained for a different environment (the policy's, then this one's): settings of house differ: "
                + "sloMs=1200.0 khpaLatencyThresholdMs=730.0 maxPodStep=0 vs sloMs=1000.0 khpaLatencyThresholdMs=730.0 "
                + "maxPodStep=0");
        Files.writeString(profile, trained);
        Files.delete(profile);
        DrlCommandTest.Run gone = DrlCommandTest.run("evaluate", "--model", model, "--trace",
                "../datasets/paper/test-20.csv", "--no-optimum", "--lookahead", "0");
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err().strip()).isEqualTo("drl evaluate: the model was trained with --profile '" + profile
                + "' (recorded in " + model + "), which cannot be used here (profile '" + profile + "' is neither "
                + "'paper', 'paper-general' nor a readable profile file): pass --profile");
    }

    /**
     * {@code --min-scale paper} (the live agent's default) trains and records itself; played as trained, the model
     * returns what its training's final evaluation said, and another setting plays otherwise.
     */
    @Test
    void trainInTheClusterModelWithThePaperModelsPods(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("paper");
        DrlCommandTest.Run t = DrlCommandTest.run("train", "--profile", "paper-general", "--trace",
                "../datasets/paper/test-20.csv", "--algo", "trpo", "--timesteps", "400", "--seed", "2", "--dynamics",
                "cluster", "--min-scale", "paper", "--predictor", "last-value", "--out", out.toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(dev.kdrl.core.policy.PolicyFile.load(out.resolve("model.zip")).hyperParameters())
                .containsEntry("min_scale", "paper");
        DrlCommandTest.Run asTrained = DrlCommandTest.run("evaluate", "--model", out.resolve("model.zip").toString(),
                "--trace", "../datasets/paper/test-20.csv", "--dynamics", "cluster", "--json");
        assertThat(asTrained.code()).as(asTrained.err()).isZero();
        assertThat(asTrained.err()).contains("--min-scale paper");
        DrlCommandTest.Run decision = DrlCommandTest.run("evaluate", "--model", out.resolve("model.zip").toString(),
                "--trace", "../datasets/paper/test-20.csv", "--dynamics", "cluster", "--min-scale", "decision",
                "--json");
        double paperReturn = new ObjectMapper().readTree(asTrained.out()).get(0).get("return").asDouble();
        assertThat(new ObjectMapper().readTree(decision.out()).get(0).get("return").asDouble())
                .isNotEqualTo(paperReturn);
        assertThat(t.out() + t.err()).contains(String.format(java.util.Locale.ROOT, "final deterministic return %.2f",
                paperReturn));
    }

    @Test
    void trainInTheClusterModelThenEvaluate(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("cluster");
        DrlCommandTest.Run t = DrlCommandTest.run("train", "--profile", "paper-general", "--trace",
                "../datasets/paper/test-20.csv", "--algo", "ppo", "--timesteps", "200", "--seed", "1", "--envs", "2",
                "--n-steps", "20", "--dynamics", "cluster", "--min-scale", "none", "--predictor", "holt", "--reward",
                "slo-cores", "--out", out.toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(out.resolve("model.zip")).exists();
        DrlCommandTest.Run e = DrlCommandTest.run("evaluate", "--model", out.resolve("model.zip").toString(),
                "--trace", "../datasets/paper/test-20.csv", "--dynamics", "cluster", "--min-scale", "none",
                "--reward", "slo-cores", "--json");
        assertThat(e.code()).as(e.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(e.out());
        assertThat(rows.get(0).get("policy").asText()).isEqualTo("model(ppo)");
        assertThat(rows.get(2).get("policy").asText()).isEqualTo("knative-first[0,0,0]");
        // the paper model's rows' keys, with the same meaning, then each service's metrics named <metric>_<service>
        List<String> keys = new java.util.ArrayList<>();
        rows.get(0).fieldNames().forEachRemaining(keys::add);
        assertThat(keys).startsWith("policy", "trace", "steps", "return", "mean_cpu", "max_cpu", "revisions_created",
                "refused_creations", "cold_starts", "time_over_slo_share_house").contains("p95_over_slo_senti",
                "revisions_created_numbr", "max_cpu_numbr").endsWith("dynamics", "predictor");
        for (JsonNode row : rows) {
            assertThat(row.get("dynamics").asText()).isEqualTo("cluster");
            assertThat(row.get("revisions_created").asInt()).isEqualTo(row.get("revisions_created_house").asInt()
                    + row.get("revisions_created_senti").asInt() + row.get("revisions_created_numbr").asInt());
            assertThat(row.get("max_cpu").asDouble()).isGreaterThanOrEqualTo(row.get("max_cpu_house").asDouble());
        }
        DrlCommandTest.Run paper = DrlCommandTest.run("evaluate", "--model", out.resolve("model.zip").toString(),
                "--trace", "../datasets/paper/test-20.csv", "--no-optimum", "--no-expected", "--lookahead", "0",
                "--json");
        assertThat(paper.code()).as(paper.err()).isZero();
        JsonNode paperRow = new ObjectMapper().readTree(paper.out()).get(0);
        List<String> paperKeys = new java.util.ArrayList<>();
        paperRow.fieldNames().forEachRemaining(paperKeys::add);
        assertThat(paperKeys).startsWith("policy", "trace", "steps", "return").contains("mean_cpu", "max_cpu",
                "revisions_created").endsWith("dynamics");
        assertThat(paperRow.get("dynamics").asText()).isEqualTo("paper");
        // the model recorded how it was trained: without the options it plays as trained, and says so
        assertThat(dev.kdrl.core.policy.PolicyFile.load(out.resolve("model.zip")).hyperParameters())
                .containsEntry("dynamics", "cluster").containsEntry("min_scale", "none")
                .containsEntry("cluster_reward", "slo-cores").containsEntry("predictor", "holt");
        DrlCommandTest.Run asTrained = DrlCommandTest.run("evaluate", "--model", out.resolve("model.zip").toString(),
                "--trace", "../datasets/paper/test-20.csv", "--dynamics", "cluster", "--json");
        assertThat(asTrained.code()).as(asTrained.err()).isZero();
        assertThat(asTrained.err()).contains("note: as " + out.resolve("model.zip") + " was trained: --min-scale none, "
                + "--reward slo-cores, --predictor holt");
        DrlCommandTest.Run explicit = DrlCommandTest.run("evaluate", "--model", out.resolve("model.zip").toString(),
                "--trace", "../datasets/paper/test-20.csv", "--dynamics", "cluster", "--min-scale", "none",
                "--predictor", "holt", "--reward", "slo-cores", "--json");
        assertThat(asTrained.out()).isEqualTo(explicit.out());
        // it recorded the cluster parameters it trained in: played in the same ones, nothing is said; in others, the
        // differences are named
        assertThat(dev.kdrl.core.policy.PolicyFile.load(out.resolve("model.zip")).hyperParameters()
                .get("cluster_params")).startsWith("tickSeconds=2, periodSeconds=120, ")
                .contains(", house.startupSeconds=4, house.drainSeconds=30, ");
        assertThat(asTrained.err()).doesNotContain("cluster dynamics");
        DrlCommandTest.Run otherTick = DrlCommandTest.run("evaluate", "--model", out.resolve("model.zip").toString(),
                "--trace", "../datasets/paper/test-20.csv", "--dynamics", "cluster", "--tick", "1", "--operator",
                "--json");
        assertThat(otherTick.code()).as(otherTick.err()).isZero();
        assertThat(otherTick.err()).contains("note: " + out.resolve("model.zip") + " was trained in other cluster "
                + "dynamics; played with tickSeconds 1 (trained 2), operatorDeletesOldRevision true (trained false)\n");
        // a profile file holding paper-general's services with slower starts: played, and the starts named
        Path slower = Files.writeString(dir.resolve("slower.yaml"), Files.readString(
                Path.of("../datasets/profiles/paper-services.yaml")) + "cluster: {startupSeconds: 30}\n");
        DrlCommandTest.Run slowStarts = DrlCommandTest.run("evaluate", "--model", out.resolve("model.zip").toString(),
                "--profile", slower.toString(), "--trace", "../datasets/paper/test-20.csv", "--dynamics", "cluster",
                "--json");
        assertThat(slowStarts.code()).as(slowStarts.err()).isZero();
        assertThat(slowStarts.err()).contains("played with house.startupSeconds 30 (trained 4), senti.startupSeconds 30 "
                + "(trained 4), numbr.startupSeconds 30 (trained 4)\n");
        DrlCommandTest.Run inPaper = DrlCommandTest.run("evaluate", "--model", out.resolve("model.zip").toString(),
                "--trace", "../datasets/paper/test-20.csv", "--no-optimum", "--lookahead", "0");
        assertThat(inPaper.err()).contains("was trained with --dynamics cluster; it is played here in the paper model");

        DrlCommandTest.Run afterstate = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv",
                "--dynamics", "cluster", "--out", dir.resolve("a").toString());
        assertThat(afterstate.code()).isEqualTo(1);
        assertThat(afterstate.err()).contains("--dynamics cluster trains --algo trpo or ppo, not afterstate");
        DrlCommandTest.Run imitation = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv",
                "--algo", "trpo", "--dynamics", "cluster", "--imitation-steps", "100", "--timesteps", "400",
                "--envs", "1", "--n-steps", "50", "--out", dir.resolve("i").toString());
        assertThat(imitation.code()).isEqualTo(1);
        assertThat(imitation.err()).contains("imitate in the paper model only");
    }

    /** Imitation plays whole rollouts: steps that round up to the whole run are refused, not left without RL. */
    @Test
    void imitationThatRoundsUpToTheWholeRunIsRefused(@TempDir Path dir) {
        Path out = dir.resolve("run");
        DrlCommandTest.Run r = DrlCommandTest.run("train", "--algo", "ppo", "--trace", "../datasets/paper/test-20.csv",
                "--timesteps", "1600", "--imitation-steps", "800", "--out", out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("drl train: --imitation-steps (800, played as 1600 in whole rollouts of "
                + "--n-steps x --envs = 1600 steps) must be less than --timesteps (1600): they are part of it, and "
                + "reinforcement learning follows");
        assertThat(out).doesNotExist();
        // one rollout less of imitation leaves reinforcement learning its rollout
        DrlCommandTest.Run ok = DrlCommandTest.run("train", "--algo", "ppo", "--trace", "../datasets/paper/test-20.csv",
                "--timesteps", "160", "--envs", "2", "--n-steps", "40", "--imitation-steps", "50", "--out",
                out.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(out.resolve("metrics.csv")).isRegularFile();
    }

    @Test
    void validationTracesSelectBestZip(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        DrlCommandTest.Run t = DrlCommandTest.run("train", "--algo", "trpo", "--trace", "../datasets/paper/test-20.csv",
                "--timesteps", "456", "--seed", "3", "--envs", "2", "--n-steps", "19", "--eval-every", "1", "--uniform-traffic", "0.5",
                "--eval-trace", "../datasets/nasa/nasa-http-1995-scaled100.csv", "--eval-rows", "600:620,1000:1020",
                "--out", out.toString());
        assertThat(t.code()).as(t.err()).isZero();
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        List<String> header = List.of(csv.get(0).split(","));
        int val = header.indexOf("eval/val_return");
        int ret = header.indexOf("eval/return");
        int best = header.indexOf("eval/best_return");
        assertThat(val).isPositive();
        assertThat(csv).hasSize(13);
        double bestVal = Double.NEGATIVE_INFINITY;
        double trainAtBest = Double.NaN;
        java.util.Set<Double> vals = new java.util.HashSet<>();
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",", -1);
            double v = Double.parseDouble(f[val]);
            vals.add(v);
            if (v > bestVal) {
                bestVal = v;
                trainAtBest = Double.parseDouble(f[ret]);
            }
            assertThat(Double.parseDouble(f[best])).isEqualTo(trainAtBest);
        }
        assertThat(vals).as("the validation return changes during training").hasSizeGreaterThan(1);
        // best.zip is the policy of the highest validation return: replaying it on the two windows gives it back
        double sum = 0;
        for (String rows : List.of("600:620", "1000:1020")) {
            DrlCommandTest.Run w = DrlCommandTest.run("evaluate", "--model", out.resolve("best.zip").toString(),
                    "--trace", "../datasets/nasa/nasa-http-1995-scaled100.csv", "--rows", rows, "--json",
                    "--lookahead", "0", "--no-optimum");
            assertThat(w.code()).as(w.err()).isZero();
            sum += new ObjectMapper().readTree(w.out()).get(0).get("return").asDouble();
        }
        assertThat(sum).isCloseTo(bestVal, org.assertj.core.api.Assertions.within(1e-6 * Math.abs(bestVal)));

        DrlCommandTest.Run bad = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv",
                "--eval-rows", "0:10", "--out", dir.resolve("bad").toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("--eval-rows needs --eval-trace");
    }

    static List<String> withoutTimes(List<String> csv) {
        List<String> header = List.of(csv.get(0).split(","));
        List<String> out = new java.util.ArrayList<>();
        for (String line : csv) {
            String[] f = line.split(",", -1);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < f.length; i++) {
                if (!header.get(i).startsWith("time/") || header.get(i).equals("time/total_timesteps")) {
                    b.append(f[i]).append(',');
                }
            }
            out.add(b.toString());
        }
        return out;
    }

    @Test
    void syntheticValidationCheckpointsGammaTargetKlAndAveragingAreSeeded(@TempDir Path dir) throws Exception {
        List<List<String>> metrics = new java.util.ArrayList<>();
        for (String name : List.of("a", "b")) {
            Path out = dir.resolve(name);
            DrlCommandTest.Run t = DrlCommandTest.run("train", "--algo", "trpo", "--trace",
                    "../datasets/paper/test-20.csv", "--timesteps", "228", "--seed", "4", "--envs", "2", "--n-steps", "19", "--eval-every", "2", "--uniform-traffic", "1",
                    "--traffic-persistence", "0.5", "--eval-synthetic", "2", "--checkpoint-every", "76", "--gamma", "0.9",
                    "--target-kl", "0.02", "--target-kl-final", "0.005", "--average-from", "152", "--out", out.toString());
            assertThat(t.code()).as(t.err()).isZero();
            for (int step : List.of(76, 152, 228)) {
                assertThat(out.resolve("checkpoints/step-" + step + ".zip")).exists();
            }
            var saved = dev.kdrl.core.policy.PolicyFile.load(out.resolve("model.zip"));
            assertThat(saved.hyperParameters()).containsEntry("gamma", "0.9").containsEntry("target_kl", "0.02")
                    .containsEntry("target_kl_final", "0.005");
            assertThat(t.out()).contains(out.resolve("average.zip").toString());
            var average = dev.kdrl.core.policy.PolicyFile.load(out.resolve("average.zip"));
            double[] raw = {10, 25, 34, 20, 64, 28, 10, 55, 16};
            assertThat(average.policy().logits(raw)).as("the mean of the last two iterates, not the last")
                    .isNotEqualTo(saved.policy().logits(raw));
            List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
            assertThat(csv.get(0)).contains("eval/val_return");
            assertThat(csv.get(2).split(",", -1)[List.of(csv.get(0).split(",")).indexOf("eval/val_return")]).isNotEmpty();
            metrics.add(withoutTimes(csv));
        }
        assertThat(metrics.get(1)).isEqualTo(metrics.get(0));
    }

    @Test
    void theTwoStepSettingsAreOptionsAndZeroSamplesMeansOneStep() {
        TrainCommand c = new TrainCommand();
        new picocli.CommandLine(c).parseArgs("--trace", "t.csv", "--out", "o", "--afterstate-lookahead-samples", "0");
        assertThat(c.afterstateConfig().lookahead()).isNull();
        TrainCommand bad = new TrainCommand();
        new picocli.CommandLine(bad).parseArgs("--trace", "t.csv", "--out", "o", "--afterstate-lookahead-candidates", "0");
        assertThatThrownBy(bad::afterstateConfig).hasMessage("--afterstate-lookahead-samples 64, "
                + "--afterstate-lookahead-candidates 0, --afterstate-lookahead-value-weight 0.4, "
                + "--afterstate-lookahead-confidence 1.0, --afterstate-lookahead-anchor-confidence 0.5: lookahead "
                + "candidates must be in [1, 64], got 0 (samples: 0 for one step, else >= 1)");
        TrainCommand anchored = new TrainCommand();
        new picocli.CommandLine(anchored).parseArgs("--trace", "t.csv", "--out", "o",
                "--afterstate-lookahead-anchor-confidence", "0.5");
        assertThat(anchored.afterstateConfig().lookahead()).isEqualTo(new dev.kdrl.env.value.AfterstatePolicy.Lookahead(
                16, 64, 0.4, 1, 0.5));
        TrainCommand plainDefaults = new TrainCommand();
        new picocli.CommandLine(plainDefaults).parseArgs("--trace", "t.csv", "--out", "o");
        assertThat(plainDefaults.afterstateConfig().lookahead().anchorConfidence()).as("anchored by default")
                .isEqualTo(0.5);
        TrainCommand anchorWithoutCaution = new TrainCommand();
        new picocli.CommandLine(anchorWithoutCaution).parseArgs("--trace", "t.csv", "--out", "o",
                "--afterstate-lookahead-anchor-confidence", "0.5", "--afterstate-lookahead-confidence", "0");
        assertThatThrownBy(anchorWithoutCaution::afterstateConfig).hasMessageEndingWith("a lookahead anchor confidence "
                + "(0.5) needs a lookahead confidence above 0, got 0 (with a confidence of 0, give an anchor confidence of 0) "
                + "(samples: 0 for one step, else >= 1)");
        TrainCommand cautious = new TrainCommand();
        new picocli.CommandLine(cautious).parseArgs("--trace", "t.csv", "--out", "o", "--afterstate-lookahead-confidence",
                "2.5");
        assertThat(cautious.afterstateConfig().lookahead().confidence()).isEqualTo(2.5);
        TrainCommand negative = new TrainCommand();
        new picocli.CommandLine(negative).parseArgs("--trace", "t.csv", "--out", "o", "--afterstate-lookahead-confidence",
                "-1");
        assertThatThrownBy(negative::afterstateConfig)
                .hasMessage("--afterstate-lookahead-confidence must be a finite number >= 0, got -1.0");
        TrainCommand oneStep = new TrainCommand();
        new picocli.CommandLine(oneStep).parseArgs("--trace", "t.csv", "--out", "o", "--afterstate-lookahead-samples", "0",
                "--afterstate-lookahead-confidence", "NaN");
        assertThatThrownBy(oneStep::afterstateConfig).as("checked even when one step leaves it unused")
                .hasMessage("--afterstate-lookahead-confidence must be a finite number >= 0, got NaN");
        TrainCommand twoStepTraining = new TrainCommand();
        new picocli.CommandLine(twoStepTraining).parseArgs("--trace", "t.csv", "--out", "o", "--afterstate-two-step-from",
                "240000");
        assertThat(twoStepTraining.afterstateConfig().twoStepFrom()).isEqualTo(240_000);
        TrainCommand nothingToSearch = new TrainCommand();
        new picocli.CommandLine(nothingToSearch).parseArgs("--trace", "t.csv", "--out", "o", "--afterstate-two-step-from",
                "100", "--afterstate-lookahead-samples", "0");
        assertThatThrownBy(nothingToSearch::afterstateConfig).hasMessage("--afterstate-two-step-from 100 needs a policy "
                + "that looks two steps ahead, but --afterstate-lookahead-samples is 0");
        TrainCommand before = new TrainCommand();
        new picocli.CommandLine(before).parseArgs("--trace", "t.csv", "--out", "o", "--afterstate-two-step-from", "-5");
        assertThatThrownBy(before::afterstateConfig).hasMessage("--afterstate-two-step-from must be >= 0 (0: one step "
                + "throughout), got -5");
    }

    @Test
    void afterstateEnsembleOption() {
        TrainCommand plain = new TrainCommand();
        new picocli.CommandLine(plain).parseArgs("--trace", "t.csv", "--out", "o");
        assertThat(plain.afterstateConfig().ensemble()).isEqualTo(1);
        TrainCommand three = new TrainCommand();
        new picocli.CommandLine(three).parseArgs("--trace", "t.csv", "--out", "o", "--afterstate-ensemble", "3");
        assertThat(three.afterstateConfig().ensemble()).isEqualTo(3);
        assertThat(three.afterstateConfig().ensembleOwnEpisodes()).isFalse();
        TrainCommand own = new TrainCommand();
        new picocli.CommandLine(own).parseArgs("--trace", "t.csv", "--out", "o", "--afterstate-ensemble", "3",
                "--afterstate-ensemble-own-episodes");
        assertThat(own.afterstateConfig().ensembleOwnEpisodes()).isTrue();
        TrainCommand alone = new TrainCommand();
        new picocli.CommandLine(alone).parseArgs("--trace", "t.csv", "--out", "o", "--afterstate-ensemble-own-episodes");
        assertThatThrownBy(alone::afterstateConfig).hasMessage("--afterstate-ensemble-own-episodes needs "
                + "--afterstate-ensemble K with K > 1, got K = 1");
        TrainCommand none = new TrainCommand();
        new picocli.CommandLine(none).parseArgs("--trace", "t.csv", "--out", "o", "--afterstate-ensemble", "0");
        assertThatThrownBy(none::afterstateConfig).hasMessage("--afterstate-ensemble 0: expected a whole number from 1 "
                + "to 16 value networks");
        // sizes that overflowed (1000 networks: "-198967296") or ran out of memory are out of range, named
        for (String[] c : List.of(
                new String[] {"--afterstate-ensemble", "1000", "--afterstate-ensemble 1000: expected a whole number "
                        + "from 1 to 16 value networks"},
                new String[] {"--afterstate-ensemble", "4", "--hidden", "64,512", "--hidden 64,512: a layer of 512 "
                        + "units (expected 1 to 256, so that the 4 networks of --afterstate-ensemble make layers of at "
                        + "most 1024)"},
                new String[] {"--hidden", "100000000", "--hidden 100000000: a layer of 100000000 units (expected 1 to "
                        + "1024)"},
                new String[] {"--hidden", "0", "--hidden 0: a layer of 0 units (expected 1 to 1024)"},
                new String[] {"--afterstate-candidates", "1000000", "--afterstate-candidates 1000000: expected a whole "
                        + "number from 1 to 64 (joint actions searched per decision)"})) {
            TrainCommand big = new TrainCommand();
            List<String> args = new java.util.ArrayList<>(List.of("--trace", "t.csv", "--out", "o"));
            args.addAll(List.of(c).subList(0, c.length - 1));
            new picocli.CommandLine(big).parseArgs(args.toArray(String[]::new));
            assertThatThrownBy(big::afterstateConfig).as(c[c.length - 1]).hasMessage(c[c.length - 1]);
        }
        TrainCommand negative = new TrainCommand();
        new picocli.CommandLine(negative).parseArgs("--trace", "t.csv", "--out", "o", "--afterstate-average-from", "-1");
        assertThatThrownBy(negative::afterstateConfig).hasMessage("--afterstate-average-from -1: expected a whole "
                + "number >= 0");
        DrlCommandTest.Run dqn = DrlCommandTest.run("train", "--algo", "rl4j-dqn", "--trace",
                "../datasets/paper/test-20.csv", "--reward-scale", "0", "--out", "unused");
        assertThat(dqn.err().strip()).isEqualTo("drl train: --reward-scale 0.0: expected a finite number > 0");
        DrlCommandTest.Run trpo = DrlCommandTest.run("train", "--algo", "trpo", "--trace", "../datasets/paper/test-20.csv",
                "--hidden", "64,2000", "--out", "unused");
        assertThat(trpo.err().strip()).isEqualTo("drl train: --hidden 64,2000: a layer of 2000 units (expected 1 to "
                + "1024)");
        TrainCommand both = new TrainCommand();
        new picocli.CommandLine(both).parseArgs("--trace", "t.csv", "--out", "o", "--afterstate-ensemble", "2",
                "--afterstate-average-from", "1000");
        assertThatThrownBy(both::afterstateConfig).hasMessage("--afterstate-ensemble 2 cannot be combined with "
                + "--afterstate-average-from 1000: use one or the other");
    }

    @Test
    void aTrafficAwareModelIsTrainedSavedAndEvaluatedThroughTheCommands(@TempDir Path dir) {
        DrlCommandTest.Run t = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv", "--timesteps",
                "380", "--envs", "2", "--afterstate-traffic-features", "--out", dir.toString());
        assertThat(t.code()).as(t.err()).isZero();
        var saved = dev.kdrl.core.policy.PolicyFile.load(dir.resolve("model.zip"));
        assertThat(saved.env().observation()).isEqualTo("afterstate-traffic");
        assertThat(saved.hyperParameters()).containsEntry("traffic_features", "true");
        DrlCommandTest.Run e = DrlCommandTest.run("evaluate", "--model", dir.resolve("model.zip").toString(), "--trace",
                "../datasets/paper/test-20.csv", "--no-optimum", "--lookahead", "0", "--no-expected", "--json");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("model(afterstate)");
        DrlCommandTest.Run c = DrlCommandTest.run("evaluate", "--model", dir.resolve("model.zip").toString(), "--trace",
                "../datasets/paper/test-20.csv", "--dynamics", "cluster", "--json");
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(c.out()).contains("model(afterstate)").contains("\"dynamics\":\"cluster\"");
        TrainCommand plain = new TrainCommand();
        new picocli.CommandLine(plain).parseArgs("--trace", "t.csv", "--out", "o", "--no-afterstate-traffic-features");
        assertThat(plain.afterstateConfig().trafficFeatures()).isFalse();
    }

    @Test
    void theClusterModelsOptionsAreRefusedInThePaperModelWhereTheyWouldBeIgnored(@TempDir Path dir) {
        for (String[] c : List.of(new String[] {"--predictor", "holt", "the paper model's policies see the load the next "
                + "period plays"}, new String[] {"--reward", "slo-cores", "the paper model has the published reward "
                + "only"}, new String[] {"--min-scale", "none", "the paper model has no KPA; a decision's pods are its "
                + "pods"})) {
            DrlCommandTest.Run t = DrlCommandTest.run("train", "--profile", "paper-general", "--algo", "ppo", "--trace",
                    "../datasets/paper/test-20.csv", "--timesteps", "100", c[0], c[1], "--out",
                    dir.resolve("never").toString());
            assertThat(t.code()).as(c[0]).isEqualTo(1);
            assertThat(t.err().strip()).isEqualTo("drl train: " + c[0] + " applies to --dynamics cluster only: " + c[2]);
        }
        assertThat(dir.resolve("never")).doesNotExist();
    }

    @Test
    void aShortTraceIsNotedAndTheTestTraceIsNot(@TempDir Path dir) throws Exception {
        Path one = Files.writeString(dir.resolve("one.csv"), "house,senti,numbr\n10,20,30\n");
        DrlCommandTest.Run t = DrlCommandTest.run("train", "--profile", "paper-general", "--trace", one.toString(),
                "--timesteps", "64", "--out", dir.resolve("one").toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.err()).contains("note: trace " + one + " has 1 row: each evaluation during training is an "
                + "episode of that few decisions");
        DrlCommandTest.Run twenty = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv",
                "--timesteps", "64", "--out", dir.resolve("twenty").toString());
        assertThat(twenty.code()).as(twenty.err()).isZero();
        assertThat(twenty.err()).doesNotContain("note: trace");
    }

    @Test
    void afterstateSettingsOutOfRangeAreRefusedNamingTheOption(@TempDir Path dir) {
        for (String[] c : List.of(new String[] {"--afterstate-lr", "-1", "--afterstate-lr -1.0: expected a finite number > 0"},
                new String[] {"--afterstate-epochs", "0", "--afterstate-epochs 0: expected a whole number >= 1"},
                new String[] {"--afterstate-candidates", "0", "--afterstate-candidates 0: expected a whole number >= 1"},
                new String[] {"--afterstate-epsilon", "2", "--afterstate-epsilon 2.0: expected a number >= 0 and <= 1"},
                new String[] {"--afterstate-lambda", "-0.5", "--afterstate-lambda -0.5: expected a number >= 0 and <= 1"},
                new String[] {"--afterstate-margin", "-1", "--afterstate-margin -1.0: expected a finite number >= 0"},
                new String[] {"--reward-scale", "0", "--reward-scale 0.0: expected a finite number > 0"},
                new String[] {"--gamma", "1", "--gamma 1.0: expected a number >= 0 and < 1"})) {
            DrlCommandTest.Run t = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv", "--out",
                    dir.resolve("never").toString(), c[0], c[1]);
            assertThat(t.code()).as(c[0]).isEqualTo(1);
            assertThat(t.err().strip()).isEqualTo("drl train: " + c[2]);
        }
        assertThat(dir.resolve("never")).doesNotExist();
    }

    /**
     * TRPO's, PPO's and the imitation's settings, the on-policy algorithms' shared ones and the cluster model's are
     * refused by the option's name and value, not the name of the setting in the code.
     */
    @Test
    void onPolicySettingsOutOfRangeAreRefusedNamingTheOption(@TempDir Path dir) {
        // {options..., the message after "drl train: "}
        for (String[] c : List.of(
                new String[] {"--algo", "trpo", "--target-kl", "-1", "--target-kl -1.0: expected a finite number > 0"},
                new String[] {"--algo", "trpo", "--target-kl-final", "0", "--target-kl-final 0.0: expected a finite "
                        + "number > 0"},
                new String[] {"--algo", "trpo", "--fisher-fraction", "1.5", "--fisher-fraction 1.5: expected a number > 0 "
                        + "and <= 1"},
                new String[] {"--algo", "trpo", "--critic-epochs", "-1", "--critic-epochs -1: expected a whole number "
                        + ">= 0"},
                new String[] {"--algo", "trpo", "--critic-batch", "0", "--critic-batch 0: expected a whole number >= 1"},
                new String[] {"--algo", "trpo", "--gamma", "0", "--gamma 0.0: expected a number > 0 and <= 1"},
                new String[] {"--algo", "ppo", "--gamma", "1.5", "--gamma 1.5: expected a number > 0 and <= 1"},
                new String[] {"--algo", "trpo", "--reward-scale", "0", "--reward-scale 0.0: expected a finite number > 0"},
                new String[] {"--algo", "ppo", "--ppo-epochs", "0", "--ppo-epochs 0: expected a whole number >= 1"},
                new String[] {"--algo", "ppo", "--ppo-batch", "0", "--ppo-batch 0: expected a whole number >= 1"},
                new String[] {"--algo", "ppo", "--ppo-lr", "NaN", "--ppo-lr NaN: expected a finite number > 0"},
                new String[] {"--algo", "ppo", "--imitation-steps", "-1", "--imitation-steps -1: expected a whole number "
                        + ">= 0"},
                new String[] {"--algo", "ppo", "--imitation-steps", "400", "--imitation-epochs", "0",
                        "--imitation-epochs 0: expected a whole number >= 1"},
                new String[] {"--algo", "trpo", "--imitation-steps", "400", "--imitation-batch", "0",
                        "--imitation-batch 0: expected a whole number >= 1"},
                new String[] {"--algo", "trpo", "--imitation-steps", "400", "--imitation-lr", "-1",
                        "--imitation-lr -1.0: expected a finite number > 0"},
                new String[] {"--algo", "trpo", "--imitation-steps", "400", "--imitate", "lookahead-1",
                        "--imitate 'lookahead-1' is not greedy or lookahead-K with K from 2 to 99"},
                new String[] {"--algo", "trpo", "--observation", "markov", "--observation 'markov' is not one of paper, "
                        + "full"},
                new String[] {"--algo", "trpo", "--checkpoint-every", "-1", "--checkpoint-every -1: expected a whole "
                        + "number >= 0"},
                new String[] {"--algo", "ppo", "--average-from", "-1", "--average-from -1: expected a whole number >= 0"},
                new String[] {"--eval-synthetic", "-2", "--eval-synthetic -2: expected a whole number >= 0"},
                new String[] {"--algo", "trpo", "--dynamics", "cluster", "--reward", "foo", "--reward 'foo' is not one "
                        + "of paper, slo-cores"})) {
            List<String> args = new java.util.ArrayList<>(List.of("train", "--trace", "../datasets/paper/test-20.csv",
                    "--out", dir.resolve("never").toString()));
            args.addAll(List.of(c).subList(0, c.length - 1));
            DrlCommandTest.Run t = DrlCommandTest.run(args.toArray(String[]::new));
            assertThat(t.code()).as(args.toString()).isEqualTo(1);
            assertThat(t.err().strip()).isEqualTo("drl train: " + c[c.length - 1]);
        }
        assertThat(dir.resolve("never")).doesNotExist();
    }

    @Test
    void countsBelowOneAreRefusedBeforeAnythingIsWritten(@TempDir Path dir) {
        for (String[] c : List.of(new String[] {"--timesteps", "0"}, new String[] {"--timesteps", "-5"},
                new String[] {"--algo", "rl4j-dqn", "--timesteps", "0"}, new String[] {"--envs", "0"},
                new String[] {"--n-steps", "0"}, new String[] {"--eval-every", "-1"})) {
            List<String> args = new java.util.ArrayList<>(List.of("train", "--trace", "../datasets/paper/test-20.csv",
                    "--out", dir.resolve("never").toString()));
            args.addAll(List.of(c));
            DrlCommandTest.Run t = DrlCommandTest.run(args.toArray(String[]::new));
            assertThat(t.code()).as(List.of(c).toString()).isEqualTo(1);
            assertThat(t.err().trim()).isEqualTo("drl train: " + c[c.length - 2] + " " + c[c.length - 1]
                    + ": expected a whole number >= 1");
        }
        assertThat(dir.resolve("never")).doesNotExist();
    }

    @Test
    void anEarlierRunIsKeptUnlessOverwrittenAndThenNothingOfItStays(@TempDir Path dir) throws Exception {
        Path out = Files.createDirectories(dir.resolve("run"));
        Files.writeString(out.resolve("best.zip"), "an earlier run's best model");
        Files.writeString(out.resolve("metrics.csv"), "an earlier run's metrics");
        Files.writeString(out.resolve("notes.txt"), "the user's own file");
        DrlCommandTest.Run refused = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv",
                "--timesteps", "380", "--envs", "2", "--out", out.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err().trim()).isEqualTo("drl train: --out " + out + " already holds a run (best.zip, "
                + "metrics.csv): pass --overwrite to replace it, or another --out");
        assertThat(Files.readString(out.resolve("best.zip"))).isEqualTo("an earlier run's best model");
        // --overwrite with an option refused: the earlier run is still kept
        DrlCommandTest.Run bad = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv",
                "--timesteps", "380", "--target-kl", "0.01", "--overwrite", "--out", out.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(Files.readString(out.resolve("metrics.csv"))).isEqualTo("an earlier run's metrics");
        // --overwrite with a trace that cannot be read, for each algorithm: the earlier run is still kept
        Path badTrace = Files.writeString(dir.resolve("bad.csv"), "house,senti,numbr\n1,2,3\n4,abc,6\n");
        for (String algo : List.of("afterstate", "ppo", "rl4j-dqn")) {
            DrlCommandTest.Run unread = DrlCommandTest.run("train", "--algo", algo, "--trace", badTrace.toString(),
                    "--timesteps", "380", "--overwrite", "--out", out.toString());
            assertThat(unread.code()).as(algo).isEqualTo(1);
            assertThat(unread.err()).as(algo).contains("'abc' is not a number");
            assertThat(Files.readString(out.resolve("metrics.csv"))).as(algo).isEqualTo("an earlier run's metrics");
        }
        // RL4J's DQN writes no best.zip: the earlier run's must not stay beside its model
        DrlCommandTest.Run over = DrlCommandTest.run("train", "--algo", "rl4j-dqn", "--trace",
                "../datasets/paper/test-20.csv", "--timesteps", "60", "--overwrite", "--out", out.toString());
        assertThat(over.code()).as(over.err()).isZero();
        assertThat(out.resolve("model.zip")).isRegularFile();
        assertThat(Files.readString(out.resolve("metrics.csv"))).isNotEqualTo("an earlier run's metrics");
        assertThat(Files.readString(out.resolve("notes.txt"))).isEqualTo("the user's own file");
        assertThat(out.resolve("best.zip")).doesNotExist();
        assertThat(out.resolve(PreviousRun.DIR)).doesNotExist();
    }

    /** The best.zip of a run that did not finish is played with a note saying so. */
    @Test
    void theBestModelOfAnUnfinishedRunIsNoted(@TempDir Path dir) throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.copy(Path.of("../models/paper-afterstate.zip"), run.resolve("best.zip"));
        String[] args = {"evaluate", "--model", run.resolve("best.zip").toString(), "--trace",
                "../datasets/paper/test-20.csv", "--no-optimum", "--lookahead", "0", "--no-expected"};
        // a finished run: no note
        Files.copy(run.resolve("best.zip"), run.resolve("model.zip"));
        Files.writeString(run.resolve("metrics.csv"), "timesteps\n");
        DrlCommandTest.Run finished = DrlCommandTest.run(args);
        assertThat(finished.code()).as(finished.err()).isZero();
        assertThat(finished.err()).doesNotContain("did not finish");
        // killed before model.zip
        Files.delete(run.resolve("model.zip"));
        DrlCommandTest.Run killed = DrlCommandTest.run(args);
        assertThat(killed.code()).as(killed.err()).isZero();
        assertThat(killed.err()).contains("note: " + run.resolve("best.zip") + " is the best model of a run that did "
                + "not finish (no model.zip beside it)");
        // killed under --overwrite, the last finished run set aside
        Files.copy(run.resolve("best.zip"), run.resolve("model.zip"));
        Files.createDirectories(run.resolve(PreviousRun.DIR));
        Files.writeString(run.resolve(PreviousRun.DIR).resolve(PreviousRun.MARKER), "set aside\n");
        DrlCommandTest.Run over = DrlCommandTest.run(args);
        assertThat(over.err()).contains("is the best model of a run that did not finish: the last finished run waits "
                + "in " + run.toAbsolutePath().resolve(PreviousRun.DIR));
    }

    /** A quota the traffic cannot fit: training ends with a note saying the policy is over it on most steps. */
    @Test
    void theTrafficRangeIsServiceOrTrace(@TempDir Path dir) {
        DrlCommandTest.Run r = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv", "--traffic-range",
                "column", "--out", dir.resolve("x").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("drl train: --traffic-range 'column': expected service or trace");
        TrainCommand c = new TrainCommand();
        new picocli.CommandLine(c).parseArgs("--trace", "../datasets/paper/test-20.csv", "--out", "o");
        assertThat(c.traffic().perServiceRange()).isTrue();
        new picocli.CommandLine(c).parseArgs("--trace", "../datasets/paper/test-20.csv", "--out", "o", "--traffic-range",
                "trace");
        assertThat(c.traffic().perServiceRange()).isFalse();
    }

    @Test
    void aPolicyOverQuotaOnMostStepsIsNoted(@TempDir Path dir) throws Exception {
        DrlCommandTest.Run r = DrlCommandTest.run("train", "--algo", "ppo", "--profile", "paper-general", "--quota",
                "4.5", "--trace", "../datasets/paper/test-20.csv", "--timesteps", "380", "--envs", "2", "--out",
                dir.resolve("tight").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("below 0: the policy is over the quota on most steps of ../datasets/paper/test-20.csv");
        DrlCommandTest.Run fits = DrlCommandTest.run("train", "--algo", "ppo", "--trace", "../datasets/paper/test-20.csv",
                "--timesteps", "380", "--envs", "2", "--out", dir.resolve("fits").toString());
        assertThat(fits.err()).doesNotContain("over the quota on most steps");
    }

    @Test
    void aServiceNameTheAgentCannotWriteIsNotedBeforeTraining(@TempDir Path dir) throws Exception {
        Path profile = Files.writeString(dir.resolve("odd.yaml"), Files.readString(
                Path.of("../datasets/profiles/paper-services.yaml")).replace("name: house", "name: House_1"));
        Path trace = Files.writeString(dir.resolve("odd.csv"), Files.readString(Path.of("../datasets/paper/test-20.csv"))
                .replaceFirst("house", "House_1"));
        DrlCommandTest.Run r = DrlCommandTest.run("train", "--algo", "ppo", "--profile", profile.toString(), "--trace",
                trace.toString(), "--timesteps", "380", "--envs", "2", "--out", dir.resolve("run").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("note: the live agent cannot run this model: service name 'House_1' of profile "
                + profile + " is not lower-case letters, digits and '-' (not first or last), as the live agent writes "
                + "it into the DRLScaleAction's field service<name>_resource (rename in the profile to deploy it)");
        DrlCommandTest.Run plain = DrlCommandTest.run("train", "--algo", "ppo", "--trace",
                "../datasets/paper/test-20.csv", "--timesteps", "380", "--envs", "2", "--out",
                dir.resolve("plain").toString());
        assertThat(plain.err()).doesNotContain("cannot run this model");
    }

    @Test
    void anOptionOfAnotherAlgorithmIsRefusedNamed(@TempDir Path dir) {
        // {given..., the option as typed, the algorithm it applies to, the algorithm chosen}
        for (String[] c : List.of(
                new String[] {"--algo", "trpo", "--afterstate-margin", "0.2", "--afterstate-margin", "afterstate", "trpo"},
                new String[] {"--algo", "ppo", "--no-afterstate-traffic-features", "--no-afterstate-traffic-features",
                        "afterstate", "ppo"},
                new String[] {"--published", "--afterstate-lookahead-confidence", "2",
                        "--afterstate-lookahead-confidence", "afterstate", "trpo"},
                new String[] {"--target-kl", "0.01", "--target-kl", "trpo", "afterstate"},
                new String[] {"--algo", "ppo", "--critic-epochs=3", "--critic-epochs", "trpo", "ppo"},
                new String[] {"--algo", "rl4j-dqn", "--fisher-fraction", "1", "--fisher-fraction", "trpo", "rl4j-dqn"},
                new String[] {"--algo", "trpo", "--ppo-lr", "1e-3", "--ppo-lr", "ppo", "trpo"},
                new String[] {"--published", "--ppo-batch", "64", "--ppo-batch", "ppo", "trpo"},
                new String[] {"--ppo-epochs", "3", "--ppo-epochs", "ppo", "afterstate"})) {
            List<String> given = List.of(c).subList(0, c.length - 3);
            List<String> args = new java.util.ArrayList<>(List.of("train", "--trace", "../datasets/paper/test-20.csv",
                    "--timesteps", "38", "--out", dir.resolve("never").toString()));
            args.addAll(given);
            DrlCommandTest.Run t = DrlCommandTest.run(args.toArray(String[]::new));
            assertThat(t.code()).as(given.toString()).isNotZero();
            assertThat(t.err().trim()).as(given.toString()).isEqualTo("drl train: " + c[c.length - 3]
                    + " applies to --algo " + c[c.length - 2] + " only, not " + c[c.length - 1]);
        }
        assertThat(dir.resolve("never")).doesNotExist();
        // every option of the TRPO and PPO groups belongs to its algorithm; the shared ones to none
        picocli.CommandLine.Model.CommandSpec spec = new picocli.CommandLine(new TrainCommand()).getCommandSpec();
        for (String o : List.of("--fisher-fraction", "--target-kl", "--target-kl-final", "--critic-epochs",
                "--critic-batch")) {
            assertThat(TrainCommand.algorithmOnly(spec.findOption(o))).as(o).isEqualTo("trpo");
        }
        for (String o : List.of("--ppo-epochs", "--ppo-batch", "--ppo-lr")) {
            assertThat(TrainCommand.algorithmOnly(spec.findOption(o))).as(o).isEqualTo("ppo");
        }
        for (String o : List.of("--gamma", "--envs", "--hidden", "--seed", "--traffic-persistence")) {
            assertThat(TrainCommand.algorithmOnly(spec.findOption(o))).as(o).isNull();
        }
        assertThat(spec.options().stream().filter(o -> "trpo".equals(TrainCommand.algorithmOnly(o)))).hasSize(5);
        assertThat(spec.options().stream().filter(o -> "ppo".equals(TrainCommand.algorithmOnly(o)))).hasSize(3);
    }

    /** TRPO's and PPO's shared options that the afterstate training does not read are refused with it, named. */
    @Test
    void anOnPolicyOptionTheAfterstateTrainingDoesNotReadIsRefused(@TempDir Path dir) {
        // {given..., the message's tail after "drl train: "}
        for (String[] c : List.of(
                new String[] {"--checkpoint-every", "40000", "--checkpoint-every applies to --algo trpo or ppo only, not "
                        + "afterstate"},
                new String[] {"--average-from=1000", "--average-from applies to --algo trpo or ppo only, not afterstate "
                        + "(for its value network: --afterstate-average-from)"},
                new String[] {"--no-normalize-obs", "--no-normalize-obs applies to --algo trpo or ppo only, not "
                        + "afterstate (its value network's inputs are always normalised)"},
                new String[] {"--observation", "full", "--observation applies to --algo trpo or ppo only, not afterstate "
                        + "(its value network reads the afterstate, the whole decision state)"},
                new String[] {"--stop-at", "700000", "--stop-at applies to --algo trpo or ppo only, not afterstate"},
                new String[] {"--imitation-steps", "5000", "--imitation-steps applies to --algo trpo or ppo only, not "
                        + "afterstate"},
                new String[] {"--n-steps", "50", "--n-steps applies to --algo trpo or ppo only, not afterstate (its "
                        + "episodes are --envs episodes of the trace's length)"})) {
            List<String> given = List.of(c).subList(0, c.length - 1);
            List<String> args = new java.util.ArrayList<>(List.of("train", "--trace", "../datasets/paper/test-20.csv",
                    "--timesteps", "38", "--out", dir.resolve("never").toString()));
            args.addAll(given);
            DrlCommandTest.Run t = DrlCommandTest.run(args.toArray(String[]::new));
            assertThat(t.code()).as(given.toString()).isNotZero();
            assertThat(t.err().trim()).as(given.toString()).isEqualTo("drl train: " + c[c.length - 1]);
            // the same options are read by TRPO: accepted there (checked without training)
            List<String> trpo = new java.util.ArrayList<>(List.of("--algo", "trpo", "--trace",
                    "../datasets/paper/test-20.csv", "--out", dir.resolve("never").toString()));
            trpo.addAll(given);
            TrainCommand.check(trpo);
        }
        assertThat(dir.resolve("never")).doesNotExist();
        // every option named is one drl train has
        picocli.CommandLine.Model.CommandSpec spec = new picocli.CommandLine(new TrainCommand()).getCommandSpec();
        for (String o : TrainCommand.ON_POLICY_ONLY.keySet()) {
            assertThat(spec.findOption(o)).as(o).isNotNull();
        }
    }

    /** An option that shapes training episodes of a kind none is drawn of, or a step none is taken in, is refused. */
    @Test
    void anOptionWithNothingToShapeIsRefusedNamed() {
        String trace = "../datasets/paper/test-20.csv";
        // {options..., the message}
        for (String[] c : List.of(
                new String[] {"--traffic-noise", "0.2", "--traffic-noise 0.2 randomises the training episodes played on "
                        + "--trace, and --uniform-traffic 1 makes every one synthetic: give --uniform-traffic below 1 (the "
                        + "share of synthetic episodes)"},
                new String[] {"--uniform-traffic", "0.5", "--traffic-noise", "0.2", "--traffic-windows-share", "1",
                        "--traffic-noise 0.2 randomises the training episodes played on --trace, and "
                        + "--traffic-windows-share 1 plays recorded windows only: give a share below 1"},
                new String[] {"--uniform-traffic", "0.5", "--traffic-windows-share", "1", "--uniform-traffic 0.5 shares "
                        + "the training episodes not played on recorded windows, and --traffic-windows-share 1 plays them "
                        + "all there: give a share below 1, or leave --uniform-traffic out"},
                new String[] {"--uniform-traffic", "0", "--traffic-range-jitter", "0.5", "--traffic-range-jitter 0.5 "
                        + "shapes synthetic training traces, and --uniform-traffic 0 draws none: give --uniform-traffic "
                        + "above 0"},
                new String[] {"--algo", "trpo", "--uniform-traffic", "0", "--traffic-persistence", "0.5",
                        "--traffic-persistence 0.5 shapes synthetic traces (training ones, and --eval-synthetic's), and "
                        + "--uniform-traffic 0 draws none: give --uniform-traffic above 0"},
                new String[] {"--traffic-windows-share", "1", "--traffic-range", "trace", "--traffic-range trace bounds "
                        + "synthetic training traces (and --traffic-noise's values), and --traffic-windows-share 1 plays "
                        + "recorded windows only: give a share below 1"},
                new String[] {"--published", "--traffic-range", "trace", "--traffic-range trace bounds synthetic "
                        + "training traces (and --traffic-noise's values), and --published trains on --trace as recorded "
                        + "(--uniform-traffic 0): leave it out"},
                new String[] {"--algo", "ppo", "--imitation-epochs", "8", "--imitation-epochs 8 sets the imitation before "
                        + "reinforcement learning, and --imitation-steps is 0 (none): give --imitation-steps above 0"},
                new String[] {"--algo", "trpo", "--imitate", "lookahead-2", "--imitate lookahead-2 sets the imitation "
                        + "before reinforcement learning, and --imitation-steps is 0 (none): give --imitation-steps above 0"},
                new String[] {"--afterstate-lookahead-samples", "0", "--afterstate-lookahead-candidates", "8",
                        "--afterstate-lookahead-candidates 8 tunes the two-step search, and --afterstate-lookahead-samples "
                        + "0 makes the policy act in one step: give samples above 0, or leave "
                        + "--afterstate-lookahead-candidates out"},
                new String[] {"--algo", "trpo", "--published", "--imitation-steps", "500", "--imitation-epochs", "8",
                        "--imitation-epochs 8 sets the imitation before reinforcement learning, and --published trains "
                        + "without imitation: leave it out"},
                new String[] {"--published", "--traffic-range-margin", "0.1", "--traffic-range-margin 0.1 shapes "
                        + "synthetic training traces, and --published trains on --trace as recorded (--uniform-traffic "
                        + "0): leave it out"},
                // a bad value is named as bad before it is called unused
                new String[] {"--traffic-noise", "1.5", "--traffic-noise 1.5 is not in [0, 1): expected the fraction "
                        + "by which each value of an episode played on --trace may move"},
                new String[] {"--uniform-traffic", "1.5", "--traffic-noise", "0.1", "--uniform-traffic 1.5 is not in "
                        + "[0, 1]: expected the share of the training episodes (not on recorded windows) that are "
                        + "synthetic"},
                new String[] {"--algo", "trpo", "--imitate", "oracle", "--imitate 'oracle' is not greedy or "
                        + "lookahead-K with K from 2 to 99"},
                new String[] {"--afterstate-lookahead-samples", "0", "--afterstate-lookahead-candidates", "0",
                        "--afterstate-lookahead-samples 0, --afterstate-lookahead-candidates 0, "})) {
            List<String> args = new java.util.ArrayList<>(List.of("--trace", trace, "--out", "never"));
            args.addAll(List.of(c).subList(0, c.length - 1));
            String message = c[c.length - 1];
            if (message.endsWith(": ") || message.endsWith(", ")) { // the start of a message of the values' own checks
                assertThatThrownBy(() -> TrainCommand.check(args)).as(args.toString()).hasMessageStartingWith(message);
            } else {
                assertThatThrownBy(() -> TrainCommand.check(args)).as(args.toString()).hasMessage(message);
            }
        }
        // where they have something to shape, the same options are accepted
        for (List<String> ok : List.of(List.of("--uniform-traffic", "0.5", "--traffic-noise", "0.2"),
                List.of("--algo", "trpo", "--uniform-traffic", "0", "--traffic-persistence", "0.5", "--eval-synthetic",
                        "2"),
                List.of("--algo", "trpo", "--uniform-traffic", "0", "--traffic-noise", "0.2", "--traffic-range", "trace"),
                List.of("--uniform-traffic", "0", "--traffic-range-jitter", "0"),
                List.of("--published", "--traffic-persistence", "0.5", "--traffic-range-jitter", "0.5"),
                List.of("--algo", "trpo", "--imitation-steps", "5000", "--imitation-epochs", "8"),
                List.of("--afterstate-lookahead-samples", "32", "--afterstate-lookahead-candidates", "8"))) {
            List<String> args = new java.util.ArrayList<>(List.of("--trace", trace, "--out", "never"));
            args.addAll(ok);
            TrainCommand.check(args);
        }
        assertThat(Path.of("never")).doesNotExist();
    }

    @Test
    void defaultsArePinned() {
        TrainCommand c = new TrainCommand();
        new picocli.CommandLine(c).parseArgs("--trace", "t.csv", "--out", "o");
        assertThat(c.algo).isEqualTo("afterstate");
        assertThat(c.timestepsOption).isNull();
        var as = c.afterstateConfig();
        assertThat(as.candidates()).isEqualTo(4);
        assertThat(as.margin()).isEqualTo(0.4);
        assertThat(as.lambda()).isZero();
        assertThat(as.epsilon()).isEqualTo(0.05);
        assertThat(as.epsilonFinal()).isZero();
        assertThat(as.twoStepFrom()).isZero();
        assertThat(as.epochs()).isEqualTo(4);
        assertThat(as.lr()).isEqualTo(1e-3);
        assertThat(as.hidden()).containsExactly(64, 64);
        assertThat(as.trafficFeatures()).isTrue();
        assertThat(c.trafficRangeJitter()).isEqualTo(0.7);
        assertThat(c.trafficWindows).isNull();
        assertThat(c.trafficWindowsShare).isNull();
        assertThat(as.gamma()).isEqualTo(0.8);
        assertThat(as.lookahead()).isEqualTo(new dev.kdrl.env.value.AfterstatePolicy.Lookahead(16, 64, 0.4, 1, 0.5))
                .isEqualTo(dev.kdrl.env.value.AfterstatePolicy.Lookahead.defaults());
        assertThat(c.timesteps()).isEqualTo(320_000);
        // the on-policy algorithms keep theirs
        c.algo = "trpo";
        assertThat(c.timesteps()).isEqualTo(300_000);
        assertThat(c.trafficRangeJitter()).isZero();
        assertThat(c.trafficWindowsTrace()).as("recorded windows are afterstate's default only").isNull();
        assertThat(c.envs).isEqualTo(8);
        assertThat(c.nSteps).isEqualTo(200);
        assertThat(c.uniformTraffic).isEqualTo(1.0);
        assertThat(c.trafficNoise).isZero();
        assertThat(c.trafficPersistence).isEqualTo(0.8);
        assertThat(c.gamma).isEqualTo(0.8);
        assertThat(c.trpo.targetKl).isEqualTo(0.02);
        assertThat(c.trpo.fisherFraction).isEqualTo(0.5);
        assertThat(c.trpo.criticEpochs).isEqualTo(5);
        assertThat(c.trpo.criticBatch).isEqualTo(256);
        assertThat(c.ppo.ppoEpochs).isEqualTo(5);
        assertThat(c.ppo.ppoBatch).isEqualTo(256);
        assertThat(c.ppo.ppoLr).isEqualTo(3e-4);
        assertThat(c.rewardScale).isEqualTo(0.001);
        assertThat(c.normalizeObs).isTrue();
        assertThat(c.evalEvery).isEqualTo(5);
        assertThat(c.evalTraces).isEmpty();
        assertThat(c.evalSynthetic).isZero();
        assertThat(c.checkpointEvery).isZero();
        assertThat(c.trpo.targetKlFinal).isNull();
        assertThat(c.averageFrom).isZero();
        assertThat(c.precision).isEqualTo("float");
    }

    @Test
    void publishedReplacesTheDefaultsWithThePublishedSetting() {
        TrainCommand c = new TrainCommand();
        new picocli.CommandLine(c).parseArgs("--trace", "t.csv", "--out", "o", "--published", "--gamma", "0.5",
                "--target-kl-final", "0.001", "--traffic-persistence", "0.5", "--traffic-windows", "w.csv");
        assertThat(c.applyPublished()).containsExactly("--traffic-persistence 0.5 -> 0",
                "--traffic-windows w.csv -> none", "--gamma 0.5 -> 0.99", "--target-kl-final 0.001 -> (none)");
        assertThat(c.trafficWindows).isEqualTo("none");
        assertThat(c.trafficWindowsTrace()).isNull();
        assertThat(c.timesteps()).as("the published run's length").isEqualTo(853_000);
        TrainCommand shorter = new TrainCommand();
        new picocli.CommandLine(shorter).parseArgs("--trace", "t.csv", "--out", "o", "--published", "--timesteps", "400");
        shorter.applyPublished();
        assertThat(shorter.timesteps()).isEqualTo(400);
        assertThat(c.envs).isEqualTo(1);
        assertThat(c.nSteps).isEqualTo(200);
        assertThat(c.normalizeObs).isFalse();
        assertThat(c.rewardScale).isEqualTo(1.0);
        assertThat(c.uniformTraffic).isZero();
        assertThat(c.trafficNoise).isZero();
        assertThat(c.trafficPersistence).isZero();
        assertThat(c.gamma).isEqualTo(0.99);
        assertThat(c.trpo.targetKl).isEqualTo(0.01);
        assertThat(c.trpo.targetKlFinal).isNull();
        assertThat(c.trpo.fisherFraction).isEqualTo(1.0);
        assertThat(c.trpo.criticEpochs).isEqualTo(10);
        assertThat(c.trpo.criticBatch).isEqualTo(128);
    }

    @Test
    void rl4jDqnSmoke(@TempDir Path dir) throws Exception {
        DrlCommandTest.Run t = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv", "--algo",
                "rl4j-dqn", "--timesteps", "300", "--seed", "1", "--out", dir.toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("trained rl4j-dqn").contains("greedy return");
        assertThat(dir.resolve("rl4j-dqn.zip")).exists();
        Path model = dir.resolve("model.zip");
        assertThat(model).exists();
        assertThat(t.out()).contains("wrote " + model + ", " + dir.resolve("rl4j-dqn.zip"));
        assertThat(dir.resolve("learning-curve.png")).exists();
        // one metrics row per training episode (19 steps on test-20), returns unscaled: a test-20 episode earns at
        // most a few thousand per step, and -100 per over-quota step
        List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
        assertThat(csv.get(0)).isEqualTo("time/total_timesteps,rollout/ep_rew_mean,rollout/ep_rew,time/elapsed_s");
        assertThat(csv).hasSizeGreaterThanOrEqualTo(1 + 300 / 19);
        for (int i = 1; i < csv.size(); i++) {
            String[] f = csv.get(i).split(",");
            assertThat(Long.parseLong(f[0])).isEqualTo(19L * i);
            assertThat(Double.parseDouble(f[2])).isBetween(-100.0 * 19, 8_000.0 * 19);
        }
        assertThat(t.err()).contains("episodes  ep_rew_mean");
        var saved = dev.kdrl.core.policy.PolicyFile.load(model);
        assertThat(saved.algorithm()).isEqualTo("rl4j-dqn");
        assertThat(saved.head()).isEqualTo(dev.kdrl.core.policy.ActorHead.JOINT_Q);
        assertThat(saved.hyperParameters()).containsEntry("maxStep", "300").containsEntry("seed", "1")
                .containsEntry("load_range", "house=13..100, senti=27..100, numbr=13..80");

        DrlCommandTest.Run e = DrlCommandTest.run("evaluate", "--model", model.toString(), "--trace",
                "../datasets/paper/test-20.csv");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("model(rl4j-dqn)").contains("optimum");
        // the greedy return printed by train is the saved policy's on the training trace
        DrlCommandTest.Run j = DrlCommandTest.run("evaluate", "--model", model.toString(), "--trace",
                "../datasets/paper/test-20.csv", "--json", "--lookahead", "0", "--no-optimum");
        assertThat(j.code()).as(j.err()).isZero();
        JsonNode first = new ObjectMapper().readTree(j.out()).get(0);
        assertThat(first.get("policy").asText()).isEqualTo("model(rl4j-dqn)");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("greedy return (-?[0-9.]+)").matcher(t.out());
        assertThat(m.find()).as(t.out()).isTrue();
        assertThat(first.get("return").asDouble()).isCloseTo(Double.parseDouble(m.group(1)),
                org.assertj.core.api.Assertions.within(0.005));
    }

    @Test
    void benchTrainPrintsStepsPerCpuSecondAndTheSplit() {
        DrlCommandTest.Run t = DrlCommandTest.run("bench-train", "--algo", "trpo", "--trace",
                "../datasets/paper/test-20.csv", "--timesteps", "800", "--envs", "2", "--n-steps", "200");
        assertThat(t.code()).as(t.err()).isZero();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("training loop: ([0-9.]+) CPU-s, ([0-9,]+) steps per CPU-second").matcher(t.out());
        assertThat(m.find()).as(t.out()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isPositive();
        assertThat(t.out()).contains("trpo, 800 environment steps (--envs 2 --n-steps 200)")
                .contains("rollout").contains("policy update").contains("critic update").containsPattern("peak RSS [0-9]+ MB");
        DrlCommandTest.Run bad = DrlCommandTest.run("bench-train", "--algo", "rl4j-dqn");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("--algo must be afterstate, trpo or ppo, got 'rl4j-dqn'");
        // the default algorithm: rollouts and the value's fit
        DrlCommandTest.Run as = DrlCommandTest.run("bench-train", "--trace", "../datasets/paper/test-20.csv",
                "--timesteps", "380", "--envs", "2");
        assertThat(as.code()).as(as.err()).isZero();
        assertThat(as.out()).contains("afterstate, 380 environment steps (--envs 2)").contains("rollout")
                .contains("value fit").doesNotContain("policy update").containsPattern("peak RSS [0-9]+ MB");
        java.util.regex.Matcher am = java.util.regex.Pattern
                .compile("training loop: ([0-9.]+) CPU-s, ([0-9,]+) steps per CPU-second").matcher(as.out());
        assertThat(am.find()).as(as.out()).isTrue();
        assertThat(Double.parseDouble(am.group(1))).isPositive();
        // as drl train: an option of another algorithm is refused, and --published trains TRPO
        DrlCommandTest.Run ignored = DrlCommandTest.run("bench-train", "--trace", "../datasets/paper/test-20.csv",
                "--timesteps", "380", "--target-kl", "0.01");
        assertThat(ignored.code()).isNotZero();
        assertThat(ignored.err().trim()).isEqualTo("drl bench-train: --target-kl applies to --algo trpo only, not "
                + "afterstate");
        DrlCommandTest.Run published = DrlCommandTest.run("bench-train", "--trace", "../datasets/paper/test-20.csv",
                "--timesteps", "200", "--published");
        assertThat(published.code()).as(published.err()).isZero();
        assertThat(published.out()).contains("trpo, 200 environment steps (--published)").contains("policy update");
    }

    @Test
    void badPrecisionIsNamed(@TempDir Path dir) {
        DrlCommandTest.Run t = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv", "--precision",
                "half", "--out", dir.toString());
        assertThat(t.code()).isEqualTo(1);
        assertThat(t.err()).contains("--precision must be float or double, got 'half'");
    }

    @Test
    void aBadRangeJitterOrPersistenceIsNamedEvenWithoutSyntheticTraffic(@TempDir Path dir) {
        DrlCommandTest.Run t = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv",
                "--uniform-traffic", "0", "--traffic-range-jitter", "1.5", "--out", dir.toString());
        assertThat(t.code()).isEqualTo(1);
        assertThat(t.err()).contains("--traffic-range-jitter must be in [0, 1), got 1.5");
        DrlCommandTest.Run p = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv",
                "--uniform-traffic", "0", "--traffic-persistence", "1", "--out", dir.toString());
        assertThat(p.code()).isEqualTo(1);
        assertThat(p.err()).contains("--traffic-persistence must be in [0, 1), got 1.0");
    }

    @Test
    void recordedTrafficWindowsAreCheckedAndNamed(@TempDir Path dir) throws Exception {
        DrlCommandTest.Run share = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv",
                "--traffic-windows", "none", "--traffic-windows-share", "0.5", "--out", dir.toString());
        assertThat(share.code()).isEqualTo(1);
        assertThat(share.err().trim()).isEqualTo("drl train: --traffic-windows-share 0.5 needs recorded traffic whose "
                + "windows those episodes play, and there is none (--traffic-windows none): give --traffic-windows FILE");
        DrlCommandTest.Run trpo = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv", "--algo",
                "trpo", "--traffic-windows-share", "0.5", "--out", dir.toString());
        assertThat(trpo.code()).isEqualTo(1);
        assertThat(trpo.err().trim()).isEqualTo("drl train: --traffic-windows-share 0.5 needs recorded traffic whose "
                + "windows those episodes play, and there is none (the default for trpo with these services): give "
                + "--traffic-windows FILE");
        DrlCommandTest.Run shorter = DrlCommandTest.run("train", "--trace", "../datasets/paper/train-200.csv",
                "--traffic-windows", "../datasets/paper/test-20.csv", "--timesteps", "200", "--out", dir.toString());
        assertThat(shorter.code()).isEqualTo(1);
        assertThat(shorter.err()).contains("--traffic-windows ../datasets/paper/test-20.csv has 20 rows, expected at "
                + "least 200 (one training episode of --trace); --traffic-windows none trains without recorded "
                + "windows");
        DrlCommandTest.Run missing = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv",
                "--traffic-windows", "no-such.csv", "--out", dir.toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err().trim()).isEqualTo("drl train: --traffic-windows no-such.csv: no such file (expected a "
                + "traffic CSV or none)");
        DrlCommandTest.Run badShare = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv",
                "--traffic-windows", "../datasets/paper/train-200.csv", "--traffic-windows-share", "2", "--timesteps",
                "200", "--out", dir.toString());
        assertThat(badShare.code()).isEqualTo(1);
        assertThat(badShare.err().trim()).isEqualTo("drl train: --traffic-windows-share 2 is not in (0, 1]: expected "
                + "the share of training episodes played on recorded windows (--traffic-windows none for none)");
        DrlCommandTest.Run zero = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv",
                "--traffic-windows-share", "0", "--out", dir.toString());
        assertThat(zero.code()).isEqualTo(1);
        assertThat(zero.err().trim()).isEqualTo("drl train: --traffic-windows-share 0 is not in (0, 1]: expected "
                + "the share of training episodes played on recorded windows (--traffic-windows none for none)");
        Path malformed = dir.resolve("malformed.csv");
        java.nio.file.Files.writeString(malformed, "house,senti,numbr\n1,2,3\n4,x,6\n");
        DrlCommandTest.Run bad = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv",
                "--traffic-windows", malformed.toString(), "--out", dir.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err().trim()).startsWith("drl train: --traffic-windows: " + malformed).contains("line 3")
                .contains("senti").contains("'x'");
        for (String[] o : List.of(new String[] {"--traffic-windows", "none"}, new String[] {"--uniform-traffic", "0"},
                new String[] {"--traffic-range-jitter", "0.5"}, new String[] {"--traffic-windows-share", "1"})) {
            DrlCommandTest.Run dqn = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv", "--algo",
                    "rl4j-dqn", o[0], o[1], "--timesteps", "38", "--out", dir.resolve("never").toString());
            assertThat(dqn.code()).as(o[0]).isEqualTo(1);
            assertThat(dqn.err().trim()).isEqualTo("drl train: " + o[0] + " does not apply to --algo rl4j-dqn, which "
                    + "trains on --trace as recorded: expected afterstate, trpo or ppo for other training traffic");
        }
        // every other option rl4j-dqn does not read is refused too, named
        for (String[] o : List.of(new String[] {"--gamma", "0.9"}, new String[] {"--hidden", "32,32"},
                new String[] {"--envs", "4"}, new String[] {"--eval-trace", "../datasets/paper/test-20.csv"},
                new String[] {"--observation", "full"}, new String[] {"--precision", "double"})) {
            DrlCommandTest.Run dqn = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv", "--algo",
                    "rl4j-dqn", o[0], o[1], "--timesteps", "38", "--out", dir.resolve("never").toString());
            assertThat(dqn.code()).as(o[0]).isEqualTo(1);
            assertThat(dqn.err().trim()).isEqualTo("drl train: " + o[0] + " does not apply to --algo rl4j-dqn, which "
                    + "reads only --algo, --profile, --trace, --quota, --min-pods, --dynamics, --timesteps, --seed, "
                    + "--reward-scale, --out, --overwrite: expected afterstate, trpo or ppo for " + o[0]);
        }
        assertThat(dir.resolve("never")).doesNotExist();
    }

    @Test
    void trainingOnRecordedWindowsLearnsFromThem(@TempDir Path dir) throws Exception {
        String[] common = {"train", "--trace", "../datasets/paper/test-20.csv", "--timesteps", "600", "--seed", "2",
            "--afterstate-lookahead-samples", "0", "--eval-every", "1"};
        DrlCommandTest.Run plain = DrlCommandTest.run(concat(common, "--traffic-windows", "none", "--out",
                dir.resolve("plain").toString()));
        assertThat(plain.code()).as(plain.err()).isZero();
        DrlCommandTest.Run windows = DrlCommandTest.run(concat(common, "--traffic-windows",
                "../datasets/nasa/nasa-http-1995-jul-scaled100.csv", "--traffic-windows-share", "1", "--out",
                dir.resolve("windows").toString()));
        assertThat(windows.code()).as(windows.err()).isZero();
        assertThat(java.nio.file.Files.readAllBytes(dir.resolve("windows/model.zip")))
                .as("other training traffic, another value").isNotEqualTo(
                        java.nio.file.Files.readAllBytes(dir.resolve("plain/model.zip")));
        DrlCommandTest.Run again = DrlCommandTest.run(concat(common, "--traffic-windows",
                "../datasets/nasa/nasa-http-1995-jul-scaled100.csv", "--traffic-windows-share", "1", "--out",
                dir.resolve("again").toString()));
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(java.nio.file.Files.readAllBytes(dir.resolve("again/model.zip"))).as("same seed, same model")
                .isEqualTo(java.nio.file.Files.readAllBytes(dir.resolve("windows/model.zip")));
    }

    @Test
    void afterstateTrainsOnTheBundledJulyWebTrafficByDefaultWhenTheServicesAreItsColumns() throws Exception {
        Trace bundled = TrainCommand.bundledWindows();
        Trace file = dev.kdrl.env.trace.TraceCsv.read(Path.of("../datasets/nasa/" + TrainCommand.BUNDLED_WINDOWS_NAME));
        assertThat(bundled.columns()).isEqualTo(file.columns()).containsExactly("house", "senti", "numbr");
        assertThat(bundled.length()).isEqualTo(file.length()).isEqualTo(10_080);
        for (int r = 0; r < file.length(); r++) {
            assertThat(bundled.row(r)).as("row %d", r).containsExactly(file.row(r));
        }
        TrainCommand paper = new TrainCommand();
        new picocli.CommandLine(paper).parseArgs("--profile", "paper", "--trace", "../datasets/paper/train-200.csv",
                "--out", "o");
        assertThat(paper.trafficWindowsTrace()).isNotNull();
        assertThat(paper.trafficWindowsTrace().length()).isEqualTo(10_080);
        dev.kdrl.train.run.TrainingRun.Traffic defaults = paper.traffic();
        assertThat(defaults.windows().length()).isEqualTo(10_080);
        assertThat(defaults.windowsShare()).as("half the episodes play July windows").isEqualTo(0.5);
        assertThat(defaults.rangeJitter()).isEqualTo(0.7);
        assertThat(defaults.plainShare()).as("every synthetic trace shaped per episode").isZero();
        assertThat(paper.afterstateConfig().siblingTargets()).as("every candidate learns").isTrue();
        TrainCommand plain = new TrainCommand();
        new picocli.CommandLine(plain).parseArgs("--profile", "paper", "--trace", "../datasets/paper/train-200.csv",
                "--out", "o", "--traffic-plain-share", "0.25");
        assertThat(plain.traffic().plainShare()).isEqualTo(0.25);
        assertThat(plain.traffic().windowsShare()).isEqualTo(0.5);
        TrainCommand tooMuch = new TrainCommand();
        new picocli.CommandLine(tooMuch).parseArgs("--profile", "paper", "--trace", "../datasets/paper/train-200.csv",
                "--out", "o", "--traffic-plain-share", "1.5");
        assertThatThrownBy(tooMuch::traffic).hasMessage("--traffic-plain-share 1.5 is not in [0, 1]: expected the share "
                + "of the synthetic training traces drawn independent and uniform in --trace's range");
        TrainCommand noSynthetic = new TrainCommand();
        new picocli.CommandLine(noSynthetic).parseArgs("--profile", "paper", "--trace", "../datasets/paper/train-200.csv",
                "--out", "o", "--traffic-plain-share", "0.5", "--uniform-traffic", "0");
        assertThatThrownBy(noSynthetic::traffic).hasMessage("--traffic-plain-share 0.5 shapes synthetic training "
                + "traces, and --uniform-traffic 0 draws none: give --uniform-traffic above 0");
        java.io.StringWriter quiet = new java.io.StringWriter();
        paper.noteWhenTheBundledWindowsDoNotApply(new java.io.PrintWriter(quiet));
        assertThat(quiet.toString()).isEmpty();
        TrainCommand none = new TrainCommand();
        new picocli.CommandLine(none).parseArgs("--profile", "paper", "--trace", "../datasets/paper/train-200.csv",
                "--out", "o", "--traffic-windows", "none");
        assertThat(none.trafficWindowsTrace()).isNull();
        assertThat(none.traffic().windows()).isNull();
        assertThat(none.traffic().windowsShare()).isZero();
        TrainCommand taken = new TrainCommand();
        new picocli.CommandLine(taken).parseArgs("--profile", "paper", "--trace", "../datasets/paper/train-200.csv",
                "--out", "o", "--no-afterstate-sibling-targets");
        assertThat(taken.afterstateConfig().siblingTargets()).isFalse();
        TrainCommand other = new TrainCommand();
        new picocli.CommandLine(other).parseArgs("--profile", "../datasets/profiles/example-5-services.yaml", "--trace",
                "t.csv", "--out", "o");
        assertThat(other.trafficWindowsTrace()).as("two of five services have no column in the July traffic").isNull();
        java.io.StringWriter note = new java.io.StringWriter();
        other.noteWhenTheBundledWindowsDoNotApply(new java.io.PrintWriter(note));
        List<String> missing = new java.util.ArrayList<>(other.env.model().serviceNames());
        missing.removeAll(List.of("house", "senti", "numbr"));
        assertThat(missing).hasSize(2);
        assertThat(note.toString().trim()).isEqualTo("note: no recorded training windows: the bundled July web traffic ("
                + TrainCommand.BUNDLED_WINDOWS_NAME + ") has no column " + String.join(", ", missing) + " (give "
                + "--traffic-windows FILE with these columns, or --traffic-windows none for synthetic traffic without "
                + "this note)");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void badAlgorithmIsNamed(@TempDir Path dir) {
        DrlCommandTest.Run t = DrlCommandTest.run("train", "--trace", "../datasets/paper/test-20.csv", "--algo",
                "sac", "--out", dir.toString());
        assertThat(t.code()).isEqualTo(1);
        assertThat(t.err()).contains("--algo must be one of trpo, ppo, rl4j-dqn, afterstate, got 'sac'");
    }
}
