package dev.kdrl.train.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kdrl.train.sweep.SweepFile;
import dev.kdrl.train.sweep.SweepFile.Setting;
import dev.kdrl.train.sweep.SweepFile.Sweep;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SETS = "evaluate:\n  - {name: test-20, traces: [../datasets/paper/test-20.csv], validation: true}\n";

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DrlCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    static Sweep parse(String yaml) {
        return SweepFile.parse(yaml, "s.yaml", SweepCommand.trainOptions(), SweepCommand.evaluateOptions(), Path.of(""),
                null);
    }

    @Test
    void gridIsTheCartesianProductInFileOrder() {
        Sweep s = parse("base: {profile: paper, trace: ../datasets/paper/train-200.csv, normalize-obs: false}\n"
                + "grid: {afterstate-candidates: [2, 4], --gamma: [0.8, 0.95], hidden: [[32, 32]]}\nseeds: [1, 2, 3]\n"
                + SETS);
        assertThat(s.settings()).extracting(Setting::id).containsExactly(
                "afterstate-candidates=2_gamma=0.8_hidden=32,32", "afterstate-candidates=2_gamma=0.95_hidden=32,32",
                "afterstate-candidates=4_gamma=0.8_hidden=32,32", "afterstate-candidates=4_gamma=0.95_hidden=32,32");
        assertThat(s.baseArgs()).containsExactly("--profile", "paper", "--trace", "../datasets/paper/train-200.csv",
                "--no-normalize-obs");
        assertThat(s.trainArgs(s.settings().get(1))).endsWith("--afterstate-candidates", "2", "--gamma", "0.95",
                "--hidden", "32,32");
        assertThat(s.seeds()).containsExactly(1L, 2L, 3L);
        assertThat(s.sets()).singleElement().satisfies(e -> {
            assertThat(e.validation()).isTrue();
            assertThat(e.traces()).singleElement().satisfies(p -> assertThat(p).isAbsolute());
        });
        // values a directory name cannot tell apart stay two settings
        Sweep slash = parse("grid: {imitate: [a/b, a-b]}\nseeds: [1]\n" + SETS);
        assertThat(slash.settings()).hasSize(2);
        assertThat(slash.settings().get(0).id()).isEqualTo("imitate=a-b");
        assertThat(slash.settings().get(1).id()).startsWith("imitate=a-b-");
        // no grid: one setting, the base
        Sweep base = parse("base: [--profile, paper, --published]\nseeds: [7]\n" + SETS);
        assertThat(base.settings()).extracting(Setting::id).containsExactly("base");
        assertThat(base.trainArgs(base.settings().get(0))).containsExactly("--profile", "paper", "--published");
    }

    @Test
    void randomSampleIsSeeded() {
        String random = "random:\n  afterstate-lr: {min: 1.0e-4, max: 1.0e-2, log: true}\n"
                + "  afterstate-epochs: {min: 2, max: 8}\n  afterstate-candidates: [2, 4, 8]\nsamples: 6\n";
        List<Setting> a = parse(random + "seed: 5\nseeds: [1]\n" + SETS).settings();
        List<Setting> b = parse(random + "seed: 5\nseeds: [1]\n" + SETS).settings();
        List<Setting> c = parse(random + "seed: 6\nseeds: [1]\n" + SETS).settings();
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
        assertThat(a).hasSizeBetween(5, 6);
        for (Setting s : a) {
            Map<String, Object> o = s.options();
            assertThat(o.keySet()).containsExactly("afterstate-lr", "afterstate-epochs", "afterstate-candidates");
            assertThat((Double) o.get("afterstate-lr")).isBetween(1e-4, 1e-2);
            assertThat((Long) o.get("afterstate-epochs")).isBetween(2L, 8L);
            assertThat(o.get("afterstate-candidates")).isIn(2, 4, 8);
            assertThat(s.id()).startsWith("afterstate-lr=").contains("_afterstate-epochs=" + o.get("afterstate-epochs"));
        }
        // the log scale spreads over the decades: not all draws in the top decade
        assertThat(a.stream().mapToDouble(s -> (Double) s.options().get("afterstate-lr")).min().orElseThrow())
                .isLessThan(1e-3);
    }

    @Test
    void badSweepFilesAreOneLineErrorsNamingFileFieldValueAndExpectation() {
        String seeds = "seeds: [1]\n";
        assertBad("grid: {afterstate-candidatez: [2]}\n" + seeds + SETS,
                "s.yaml grid.afterstate-candidatez: 'afterstate-candidatez' is not valid (expected a drl train option");
        assertBad("grid: {seed: [1, 2]}\n" + seeds + SETS, "s.yaml grid.seed: 'seed' is not valid (expected a drl "
                + "train option other than --seed and --out");
        assertBad("grid: {gamma: 0.9}\n" + seeds + SETS, "s.yaml grid.gamma: '0.9' is not valid (expected a "
                + "non-empty list of values for --gamma)");
        assertBad("grid: {published: [1]}\n" + seeds + SETS, "s.yaml grid.published[0]: '1' is not valid (expected "
                + "true or false (--published is a flag))");
        assertBad("grids: {gamma: [0.9]}\n" + seeds + SETS, "s.yaml grids: unknown key 'grids' (expected one of base, "
                + "grid, random, settings, samples, seed, seeds, evaluate)");
        assertBad("seeds: [1, x]\n" + SETS, "s.yaml seeds[1]: 'x' is not valid (expected an integer)");
        assertBad(SETS, "s.yaml seeds: an empty value (null) is not valid (expected a non-empty list of integer seeds)");
        assertBad("random: {gamma: {min: 0.9, max: 0.8}}\nsamples: 2\n" + seeds + SETS,
                "s.yaml random.gamma.max: '0.8' is not valid (expected a finite number > min)");
        assertBad("random: {gamma: [0.9]}\n" + seeds + SETS, "s.yaml samples: an empty value (null) is not valid");
        // sizes that ran for minutes and out of memory before training anything
        assertBad("random: {gamma: [0.9]}\nsamples: 100000000\n" + seeds + SETS, "s.yaml samples: '100000000' is not "
                + "valid (expected an integer from 1 to 1000 (the number of random settings; needed with random))");
        String many = java.util.stream.IntStream.range(1, 41).mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        assertBad("grid: {afterstate-epochs: " + many + ", afterstate-candidates: " + many + "}\n" + seeds + SETS,
                "s.yaml grid.afterstate-candidates: '" + many + "' is not valid (expected fewer values: with it the grid "
                        + "has 1600 settings, more than 1000)");
        assertBad("grid: {gamma: [0.9]}\nrandom: {gamma: [0.9]}\nsamples: 1\n" + seeds + SETS,
                "s.yaml grid: 'both grid and random' is not valid (expected one of grid, random or settings)");
        assertBad(seeds + "evaluate:\n  - {name: t, traces: [../datasets/paper/no-such.csv]}\n",
                "s.yaml evaluate[0].traces[0]: '../datasets/paper/no-such.csv' is not valid (expected an existing trace file");
        assertBad(seeds + "evaluate:\n  - {name: t, trace: ../datasets/paper/test-20.csv, rows: 600-800}\n",
                "s.yaml evaluate[0].rows: '600-800' is not valid (expected FROM:TO");
        assertBad(seeds + "evaluate:\n  - {name: t, traces: [../datasets/paper/nothing-*.csv]}\n",
                "s.yaml evaluate[0].traces[0]: '../datasets/paper/nothing-*.csv' is not valid (expected a glob matching");
        assertBad(seeds + SETS + "  - {name: test-20, traces: [../datasets/paper/test-20.csv]}\n",
                "s.yaml evaluate[1].name: 'test-20' is not valid (expected a name no other set has)");
        // through the command: exit code 1 and one line
        Run r = run("sweep", "run", "no-such-sweep.yaml", "--out", "x");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("drl sweep run: no-such-sweep.yaml: no such sweep file");
    }

    @Test
    void explicitSettingsAreRowsOfAnyOptionsWithOptionalIdsAndSeeds() {
        Sweep s = parse("base: {profile: paper, trace: ../datasets/paper/train-200.csv}\n"
                + "settings:\n"
                + "  - {id: trpo-paper, options: {algo: trpo}}\n"
                + "  - {id: trpo-full, options: {--algo: trpo, observation: full, normalize-obs: false}, seeds: [4, 5, 6]}\n"
                + "  - {options: {afterstate-candidates: 4, timesteps: 160000, hidden: [32, 32]}}\n"
                + "  - {id: plain}\n"
                + "seeds: [1, 2]\n"
                + "evaluate:\n"
                + "  - {name: test-20, traces: [../datasets/paper/test-20.csv], validation: true}\n"
                + "  - {name: test-20-cluster, trace: ../datasets/paper/test-20.csv,\n"
                + "     options: {dynamics: cluster, --min-scale: none, predictor: last-value, operator: true}}\n");
        assertThat(s.settings()).extracting(Setting::id).containsExactly("trpo-paper", "trpo-full",
                "afterstate-candidates=4_timesteps=160000_hidden=32,32", "plain");
        assertThat(s.trainArgs(s.settings().get(1))).containsExactly("--profile", "paper", "--trace",
                "../datasets/paper/train-200.csv", "--algo", "trpo", "--observation", "full", "--no-normalize-obs");
        assertThat(s.trainArgs(s.settings().get(2))).endsWith("--afterstate-candidates", "4", "--timesteps", "160000",
                "--hidden", "32,32");
        assertThat(s.trainArgs(s.settings().get(3))).containsExactly("--profile", "paper", "--trace",
                "../datasets/paper/train-200.csv");
        // a setting's own seeds replace the sweep's, for that setting only
        assertThat(s.seeds(s.settings().get(0))).containsExactly(1L, 2L);
        assertThat(s.seeds(s.settings().get(1))).containsExactly(4L, 5L, 6L);
        assertThat(s.trials()).isEqualTo(2 + 3 + 2 + 2);
        // an evaluation set's options are drl evaluate arguments, by the same rules
        assertThat(s.sets().get(0).options()).isEmpty();
        assertThat(s.sets().get(1).args()).containsExactly("--dynamics", "cluster", "--min-scale", "none",
                "--predictor", "last-value", "--operator");
    }

    @Test
    void badSettingsAndSetOptionsAreOneLineErrorsNamingTheEntry() {
        String rest = "seeds: [1]\n" + SETS;
        assertBad("settings:\n  - {id: a, options: {gamma: 0.9}}\n  - {id: a, options: {gamma: 0.8}}\n" + rest,
                "s.yaml settings[1].id: 'a' is not valid (expected an id no other setting has");
        assertBad("settings:\n  - {options: {gamma: 0.9}}\n  - {id: g, options: {gamma: 0.8}}\n"
                + "  - {options: {--gamma: 0.9}}\n" + rest,
                "s.yaml settings[2].id: 'gamma=0.9' is not valid (expected an id no other setting has (an id left out "
                        + "is made of the options: give one))");
        assertBad("settings:\n  - {options: {gamma: 0.9}}\n  - {options: {published: 1}}\n" + rest,
                "s.yaml settings[1].options.published: '1' is not valid (expected true or false (--published is a "
                        + "flag))");
        assertBad("settings:\n  - {options: {gama: 0.9}}\n" + rest,
                "s.yaml settings[0].options.gama: 'gama' is not valid (expected a drl train option");
        assertBad("settings:\n  - {options: {out: x}}\n" + rest,
                "s.yaml settings[0].options.out: 'out' is not valid (expected a drl train option other than --seed");
        assertBad("settings:\n  - {id: ../up, options: {gamma: 0.9}}\n" + rest,
                "s.yaml settings[0].id: '../up' is not valid (expected a directory name of at most 120 letters");
        assertBad("settings:\n  - {id: a, seeds: [3, 3]}\n" + rest,
                "s.yaml settings[0].seeds: '[3, 3]' is not valid (expected distinct seeds)");
        assertBad("settings:\n  - {id: a, seed: [3]}\n" + rest, "s.yaml settings[0].seed: unknown key 'seed'");
        assertBad("settings: []\n" + rest,
                "s.yaml settings: '[]' is not valid (expected a non-empty list of settings {id, options, seeds})");
        assertBad("grid: {gamma: [0.9]}\nsettings:\n  - {id: a}\n" + rest,
                "s.yaml grid: 'both grid and settings' is not valid (expected one of grid, random or settings)");
        assertBad("settings:\n  - {id: a}\nsamples: 2\n" + rest,
                "s.yaml samples: '2' is not valid (expected only with random)");
        // an evaluation set's options: drl evaluate's, none the runner sets
        String set = "seeds: [1]\nevaluate:\n  - {name: t, traces: [../datasets/paper/test-20.csv], options: ";
        assertBad(set + "{dynamic: cluster}}\n",
                "s.yaml evaluate[0].options.dynamic: 'dynamic' is not valid (expected a drl evaluate option (drl "
                        + "evaluate --help lists them))");
        assertBad(set + "{--json: true}}\n", "s.yaml evaluate[0].options.--json: '--json' is not valid (expected a "
                + "drl evaluate option other than --json, --lookahead, --model, --no-expected, --no-optimum, --rows, "
                + "--trace (the sweep sets them; traces and rows are the set's keys))");
        assertBad(set + "{rows: \"1:5\"}}\n", "s.yaml evaluate[0].options.rows: 'rows' is not valid");
        assertBad(set + "{best-fixed: 1}}\n",
                "s.yaml evaluate[0].options.best-fixed: '1' is not valid (expected true or false (--best-fixed is a "
                        + "flag))");
    }

    private static void assertBad(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith(message).doesNotContain("\n"));
    }

    @Test
    void explicitSettingsWithOwnSeedsAndAClusterSetRunAndReport(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("rows.yaml");
        Files.writeString(file, "base: {profile: paper, trace: ../datasets/paper/train-200.csv, timesteps: 400}\n"
                + "settings:\n"
                + "  - {id: small, options: {afterstate-candidates: 2}, seeds: [1]}\n"
                + "  - {options: {afterstate-candidates: 4}}\n"
                + "seeds: [1, 2]\n"
                + "evaluate:\n"
                + "  - {name: test-20, traces: [../datasets/paper/test-20.csv], validation: true}\n"
                + "  - {name: test-20-seed3, traces: [../datasets/paper/test-20.csv], options: {seed: 3}}\n"
                + "  - {name: test-20-cluster, trace: ../datasets/paper/test-20.csv,\n"
                + "     options: {dynamics: cluster, min-scale: none, predictor: last-value}}\n");
        Path out = tmp.resolve("out");
        Run r = run("sweep", "run", file.toString(), "--out", out.toString(), "--parallel", "2");
        assertThat(r.code()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("2 settings x their seeds = 3 trials, 3 evaluation sets")
                .contains("trained 3, skipped 0 (finished before), failed 0");
        Path small = out.resolve("small").resolve("seed-1");
        Path four = out.resolve("afterstate-candidates=4");
        assertThat(small.resolve("done.json")).isRegularFile();
        assertThat(out.resolve("small").resolve("seed-2")).doesNotExist();
        assertThat(four.resolve("seed-1").resolve("done.json")).isRegularFile();
        assertThat(four.resolve("seed-2").resolve("done.json")).isRegularFile();

        // the cluster set: the model, greedy and Knative's default, no expected-2
        JsonNode sets = JSON.readTree(small.resolve("eval.json").toFile()).get("sets");
        JsonNode cluster = sets.get("test-20-cluster");
        assertThat(cluster.has("model")).isTrue();
        assertThat(cluster.get("greedy").asDouble()).isPositive();
        assertThat(cluster.get("knative-first").asDouble()).isPositive();
        assertThat(cluster.has("expected-2")).isFalse();
        assertThat(cluster.get("traces").get(0).get("knative-first-policy").asText()).startsWith("knative-first[");
        // greedy plays another environment there: its returns differ from the paper dynamics'
        assertThat(cluster.get("greedy").asDouble()).isNotEqualTo(sets.get("test-20").get("greedy").asDouble());
        // expected-2 is kept per set and options (another --seed draws other traffic); none for the cluster set
        JsonNode baselines = JSON.readTree(out.resolve("baselines.json").toFile());
        List<String> keys = new ArrayList<>();
        baselines.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactlyInAnyOrder("test-20", "test-20-seed3 --seed 3");
        assertThat(baselines.get("test-20-seed3 --seed 3")).hasSize(1);
        assertThat(sets.get("test-20-seed3").get("expected-2").asDouble())
                .isEqualTo(baselines.get("test-20-seed3 --seed 3").get(0).get("expected-2").get(0).asDouble());

        // the report: each setting over its own seeds; the cluster set without expected-2, with Knative's default
        Run rep = run("sweep", "report", out.toString(), "--json");
        assertThat(rep.code()).as(rep.err()).isZero();
        JsonNode report = JSON.readTree(rep.out());
        assertThat(report.get("settings")).hasSize(2);
        for (JsonNode s : report.get("settings")) {
            boolean isSmall = s.get("id").asText().equals("small");
            assertThat(s.get("id").asText()).isIn("small", "afterstate-candidates=4");
            assertThat(s.get("seedsPlanned").asInt()).isEqualTo(isSmall ? 1 : 2);
            assertThat(s.get("seeds")).hasSize(isSmall ? 1 : 2);
            JsonNode c = s.get("sets").get("test-20-cluster");
            assertThat(c.get("expected2").isNull()).isTrue();
            assertThat(c.get("pctExpected2").isNull()).isTrue();
            assertThat(c.get("pctGreedy").asDouble()).isCloseTo(100 * c.get("mean").asDouble()
                    / c.get("greedy").asDouble(), within(1e-9));
            assertThat(c.get("knativeFirst").asDouble()).isPositive();
            assertThat(s.get("sets").get("test-20").has("knativeFirst")).isFalse();
            assertThat(s.get("sets").get("test-20").get("expected2").asDouble()).isPositive();
        }
        assertThat(report.get("settings").get(0).get("sets").get("test-20-cluster").get("knativeFirst").asDouble())
                .isEqualTo(cluster.get("knative-first").asDouble());
        Run text = run("sweep", "report", out.toString());
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).contains("knative").containsPattern("\ntest-20-cluster +[0-9,]+ +- +[0-9,]+ ");

        // one Job per trial, each setting with its own seeds; a seed the setting does not have is refused
        Run k8s = run("sweep", "k8s", file.toString(), "--image", "example/drl:1", "--claim", "sweeps");
        assertThat(k8s.code()).as(k8s.err()).isZero();
        assertThat(k8s.out()).startsWith("# drl sweep k8s: 2 settings x their seeds = 3 Jobs");
        List<String> trials = new ArrayList<>();
        try (tools.jackson.databind.MappingIterator<Object> it = new tools.jackson.dataformat.yaml.YAMLMapper()
                .readerFor(Object.class).readValues(k8s.out())) {
            it.forEachRemaining(d -> {
                JsonNode doc = JSON.valueToTree(d);
                if (doc.get("kind").asText().equals("Job")) {
                    JsonNode a = doc.get("metadata").get("annotations");
                    trials.add(a.get("drl.kdrl.dev/setting").asText() + " " + a.get("drl.kdrl.dev/seed").asText());
                }
            });
        }
        assertThat(trials).containsExactly("small 1", "afterstate-candidates=4 1", "afterstate-candidates=4 2");
        Run wrongSeed = run("sweep", "trial", file.toString(), "--out", out.toString(), "--setting", "small",
                "--seed", "2");
        assertThat(wrongSeed.code()).isEqualTo(1);
        assertThat(wrongSeed.err().strip()).isEqualTo("drl sweep trial: --seed 2: not a seed of the setting small [1]");
        Run again = run("sweep", "run", file.toString(), "--out", out.toString());
        assertThat(again.out()).contains("trained 0, skipped 3");
    }

    @Test
    void anEvaluationTraceThatCannotBeReadStopsTheSweepBeforeAnyTrial(@TempDir Path tmp) throws Exception {
        Path bad = Files.writeString(tmp.resolve("neg.csv"), "house,senti,numbr\n1,2,3\n4,-5,6\n");
        Path file = Files.writeString(tmp.resolve("s.yaml"), "base: {profile: paper, trace: "
                + "../datasets/paper/test-20.csv}\ngrid: {afterstate-candidates: [2]}\nseeds: [1]\nevaluate:\n"
                + "  - {name: valid, traces: [" + bad + "], validation: true}\n");
        for (boolean dry : List.of(true, false)) {
            Path out = tmp.resolve("out");
            Run r = dry ? run("sweep", "run", file.toString(), "--out", out.toString(), "--dry-run")
                    : run("sweep", "run", file.toString(), "--out", out.toString());
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err().strip()).isEqualTo("drl sweep run: " + file + ": evaluation set valid: " + bad
                    + " line 3, column 'senti': '-5' is negative (expected a finite number >= 0)");
            assertThat(out).doesNotExist();
        }
    }

    @Test
    void settingsDrlTrainWouldRefuseStopTheSweepBeforeAnyTrialNamingTheSetting(@TempDir Path tmp) throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.csv"), "house,senti,numbr\n1,2,3\n4,abc,6\n");
        // {base, grid, the setting named, drl train's message}
        for (String[] c : List.of(
                new String[] {"trace: ../datasets/paper/nosuch.csv", "afterstate-candidates: [2]", "afterstate-candidates=2",
                        "--trace ../datasets/paper/nosuch.csv: no such file"},
                new String[] {"trace: " + bad, "afterstate-candidates: [2]", "afterstate-candidates=2",
                        bad + " line 3, column 'senti': 'abc' is not a number (expected a finite number >= 0)"},
                new String[] {"trace: ../datasets/paper/train-200.csv", "timesteps: [400, -5]", "timesteps=-5",
                        "--timesteps -5: expected a whole number >= 1"},
                new String[] {"trace: ../datasets/paper/train-200.csv", "gamma: [0.9, 5]", "gamma=5",
                        "--gamma 5.0: expected a number >= 0 and < 1"},
                new String[] {"trace: ../datasets/paper/train-200.csv", "target-kl: [0.01]", "target-kl=0.01",
                        "--target-kl applies to --algo trpo only, not afterstate"})) {
            Path file = tmp.resolve("bad.yaml");
            Files.writeString(file, "base: {profile: paper, " + c[0] + "}\ngrid: {" + c[1] + "}\nseeds: [1]\n" + SETS);
            for (boolean dry : List.of(true, false)) {
                Path out = tmp.resolve("out");
                Run r = dry ? run("sweep", "run", file.toString(), "--out", out.toString(), "--dry-run")
                        : run("sweep", "run", file.toString(), "--out", out.toString());
                assertThat(r.code()).as(c[2]).isEqualTo(1);
                assertThat(r.err().strip()).as(c[2]).startsWith("drl sweep run: " + file + ": setting " + c[2] + ": "
                        + c[3]);
                assertThat(r.err().strip().lines().count()).isEqualTo(1);
                assertThat(out).doesNotExist();
            }
        }
    }

    @Test
    void aFinishedSweepMovedElsewhereResumesAndChangedSetsOrASecondRunnerAreRefusedLeavingItAsItWas(@TempDir Path tmp)
            throws Exception {
        Path file = tmp.resolve("one.yaml");
        Files.writeString(file, "base: {profile: paper, trace: ../datasets/paper/train-200.csv, timesteps: 200}\n"
                + "grid: {afterstate-candidates: [2]}\nseeds: [1]\n" + SETS);
        Path out = tmp.resolve("out");
        Run r = run("sweep", "run", file.toString(), "--out", out.toString(), "--parallel", "1");
        assertThat(r.code()).as(r.err() + r.out()).isZero();
        // copied elsewhere: its finished trial is kept (the recorded --out is where, not how, it was trained)
        Path moved = tmp.resolve("moved");
        try (var files = Files.walk(out)) {
            for (Path f : files.toList()) {
                Files.copy(f, moved.resolve(out.relativize(f).toString()));
            }
        }
        Run plan = run("sweep", "run", file.toString(), "--out", moved.toString(), "--dry-run");
        assertThat(plan.out()).contains("afterstate-candidates=2 seed 1: finished, skipped");
        Run again = run("sweep", "run", file.toString(), "--out", moved.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("trained 0, skipped 1 (finished before), failed 0");
        // an evaluation set changed under the same name, or added: refused, sweep.json untouched
        String described = Files.readString(out.resolve("sweep.json"));
        Files.writeString(file, Files.readString(file).replace("validation: true}", "rows: \"0:10\", validation: "
                + "true}"));
        Run changedPlan = run("sweep", "run", file.toString(), "--out", out.toString(), "--dry-run");
        assertThat(changedPlan.out()).contains("refused: --out " + out.toAbsolutePath() + ": evaluation set test-20 "
                + "changed");
        Run changed = run("sweep", "run", file.toString(), "--out", out.toString());
        assertThat(changed.code()).isEqualTo(1);
        assertThat(changed.err().strip()).isEqualTo("drl sweep run: --out " + out.toAbsolutePath() + ": evaluation set "
                + "test-20 changed (traces, rows, options, or how it is played) since its finished trials were evaluated; "
                + "use another "
                + "--out with --reuse " + out.toAbsolutePath() + " (its trials are copied and only what changed is "
                + "played)");
        assertThat(Files.readString(out.resolve("sweep.json"))).isEqualTo(described);
        // rows outside a trace: refused before any trial trains
        Files.writeString(file, Files.readString(file).replace("rows: \"0:10\"", "rows: \"10:5000\""));
        Run rows = run("sweep", "run", file.toString(), "--out", tmp.resolve("fresh").toString(), "--dry-run");
        assertThat(rows.err().strip()).isEqualTo("drl sweep run: " + file + ": evaluation set test-20: rows '10:5000' "
                + "of " + Path.of("../datasets/paper/test-20.csv").toAbsolutePath().normalize() + " (expected FROM:TO "
                + "with FROM < TO <= 20, the trace's rows)");
        // another runner at work in the directory
        Files.writeString(file, Files.readString(file).replace(", rows: \"10:5000\"", ""));
        try (var channel = java.nio.channels.FileChannel.open(out.resolve(".lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             var held = channel.lock()) {
            Run second = run("sweep", "run", file.toString(), "--out", out.toString());
            assertThat(second.code()).isEqualTo(1);
            assertThat(second.err().strip()).startsWith("drl sweep run: --out " + out.toAbsolutePath() + ": another "
                    + "drl sweep run is working in it");
        }
        // held by another process, as a second drl sweep run finds it
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LockHolder.class.getName(), out.resolve(".lock").toString())
                .redirectErrorStream(true).start();
        try (var says = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            assertThat(says.readLine()).isEqualTo("locked");
            Run third = run("sweep", "run", file.toString(), "--out", out.toString());
            assertThat(third.code()).isEqualTo(1);
            assertThat(third.err().strip()).isEqualTo("drl sweep run: --out " + out.toAbsolutePath() + ": another "
                    + "drl sweep run is working in it; wait for it to end, or stop it");
        } finally {
            holder.destroyForcibly().waitFor();
        }
        // once that process is gone, its lock is too: the run (every trial finished) goes through
        Run after = run("sweep", "run", file.toString(), "--out", out.toString());
        assertThat(after.code()).as(after.err()).isZero();
    }

    /** Holds the lock of the file args[0] names until killed, as a running drl sweep run does; says so. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            try (var channel = java.nio.channels.FileChannel.open(Path.of(args[0]),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                 var held = channel.lock()) {
                System.out.println("locked");
                System.out.flush();
                Thread.sleep(120_000);
            }
        }
    }

    @Test
    void smallSweepRunsResumesAndReports(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("tiny.yaml");
        Files.writeString(file, "base: {profile: paper, trace: ../datasets/paper/train-200.csv, timesteps: 400}\n"
                + "grid: {afterstate-candidates: [2, 4]}\nseeds: [1, 2]\n" + SETS);
        Path out = tmp.resolve("out");
        Run r = run("sweep", "run", file.toString(), "--out", out.toString(), "--parallel", "2");
        assertThat(r.code()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("trained 4, skipped 0 (finished before), failed 0");
        assertThat(r.out().lines().filter(l -> l.matches("\\[\\d/4] afterstate-candidates=[24] seed [12]: "
                + "[0-9.]+ s, final return [0-9,.]+; test-20 [0-9.]+ % of greedy"))).hasSize(4);
        List<Path> trials = new ArrayList<>();
        for (String id : List.of("afterstate-candidates=2", "afterstate-candidates=4")) {
            for (int seed : List.of(1, 2)) {
                Path t = out.resolve(id).resolve("seed-" + seed);
                trials.add(t);
                assertThat(t.resolve("model.zip")).isRegularFile();
                assertThat(t.resolve("done.json")).isRegularFile();
                JsonNode trial = JSON.readTree(t.resolve("trial.json").toFile());
                assertThat(trial.get("options").get("afterstate-candidates").asInt()).isEqualTo(id.endsWith("2") ? 2 : 4);
                assertThat(trial.get("args").toString()).contains("\"--seed\",\"" + seed + "\"");
            }
        }
        // expected-2 was played once on the set (every model shares the environment) and its returns reused
        JsonNode baselines = JSON.readTree(out.resolve("baselines.json").toFile());
        assertThat(baselines.get("test-20")).hasSize(1);
        for (Path t : trials) {
            assertThat(JSON.readTree(t.resolve("eval.json").toFile()).get("sets").get("test-20").get("expected-2")
                    .asDouble()).isEqualTo(baselines.get("test-20").get(0).get("expected-2").get(0).asDouble());
        }
        // the same seed and setting trained twice gives the same model: the sweep is reproducible trial by trial
        byte[] model = Files.readAllBytes(trials.get(1).resolve("model.zip"));

        // the report, against numbers computed here from the eval.json files
        Run rep = run("sweep", "report", out.toString(), "--json", "--plot", tmp.resolve("r.png").toString());
        assertThat(rep.code()).as(rep.err()).isZero();
        assertThat(tmp.resolve("r.png")).isRegularFile();
        JsonNode report = JSON.readTree(rep.out());
        assertThat(report.get("rankedOn").toString()).isEqualTo("[\"test-20\"]");
        double[] scores = new double[2];
        for (JsonNode s : report.get("settings")) {
            String id = s.get("id").asText();
            double[] x = new double[2];
            double greedy = 0;
            for (int seed = 1; seed <= 2; seed++) {
                JsonNode set = JSON.readTree(out.resolve(id).resolve("seed-" + seed).resolve("eval.json").toFile())
                        .get("sets").get("test-20");
                x[seed - 1] = set.get("model").asDouble();
                greedy = set.get("greedy").asDouble();
            }
            JsonNode t20 = s.get("sets").get("test-20");
            assertThat(t20.get("mean").asDouble()).isCloseTo((x[0] + x[1]) / 2, within(1e-6));
            assertThat(t20.get("sd").asDouble()).isCloseTo(Math.abs(x[0] - x[1]) / Math.sqrt(2), within(1e-6));
            assertThat(t20.get("worst").asDouble()).isEqualTo(Math.min(x[0], x[1]));
            assertThat(t20.get("best").asDouble()).isEqualTo(Math.max(x[0], x[1]));
            assertThat(t20.get("pctGreedy").asDouble()).isCloseTo(50 * (x[0] + x[1]) / greedy, within(1e-9));
            assertThat(t20.get("expected2").asDouble()).isPositive();
            scores[s.get("rank").asInt() - 1] = s.get("score").asDouble();
        }
        assertThat(scores[0]).isGreaterThanOrEqualTo(scores[1]);
        Run text = run("sweep", "report", out.toString());
        assertThat(text.out()).contains("ranked by the mean over the validation sets only: test-20")
                .contains("#1 afterstate-candidates=").contains("#2 afterstate-candidates=").contains("test-20 *")
                .contains(": validation score ");
        // each setting paired with another seed by seed: the differences of the per-seed scores, their sd and se
        Run paired = run("sweep", "report", out.toString(), "--json", "--paired-with", "afterstate-candidates=2");
        assertThat(paired.code()).as(paired.err()).isZero();
        Map<String, JsonNode> byId = new java.util.LinkedHashMap<>(); // in the report's ranking
        JSON.readTree(paired.out()).get("settings").forEach(s -> byId.put(s.get("id").asText(), s));
        JsonNode four = byId.get("afterstate-candidates=4");
        JsonNode two = byId.get("afterstate-candidates=2");
        assertThat(two.has("pairedWith")).isFalse();
        double d1 = four.get("scorePerSeed").get("perSeed").get(0).asDouble()
                - two.get("scorePerSeed").get("perSeed").get(0).asDouble();
        double d2 = four.get("scorePerSeed").get("perSeed").get(1).asDouble()
                - two.get("scorePerSeed").get("perSeed").get(1).asDouble();
        JsonNode p = four.get("pairedWith");
        assertThat(p.get("base").asText()).isEqualTo("afterstate-candidates=2");
        assertThat(p.get("seeds").toString()).isEqualTo("[1,2]");
        assertThat(p.get("mean").asDouble()).isCloseTo((d1 + d2) / 2, within(1e-9));
        assertThat(p.get("sd").asDouble()).isCloseTo(Math.abs(d1 - d2) / Math.sqrt(2), within(1e-9));
        assertThat(p.get("se").asDouble()).isCloseTo(Math.abs(d1 - d2) / 2, within(1e-9));
        Run pairedText = run("sweep", "report", out.toString(), "--paired-with", "afterstate-candidates=2");
        assertThat(pairedText.out()).containsOnlyOnce("paired with afterstate-candidates=2: ").contains(String.format(
                java.util.Locale.ROOT, "paired with afterstate-candidates=2: %+.3f (sd %.3f, se %.3f) over seeds 1 2\n",
                (d1 + d2) / 2, Math.abs(d1 - d2) / Math.sqrt(2), Math.abs(d1 - d2) / 2));
        Run noSuch = run("sweep", "report", out.toString(), "--paired-with", "defaults");
        assertThat(noSuch.code()).isEqualTo(1);
        assertThat(noSuch.err().strip()).isEqualTo("drl sweep report: --paired-with defaults: no finished trial of a "
                + "setting 'defaults' in " + out + " (expected one of " + String.join(", ", byId.keySet()) + ")");
        // without a validation set the score is every set's, and the report does not call it a validation score
        Path desc = out.resolve("sweep.json");
        String described = Files.readString(desc);
        Files.writeString(desc, described.replace("\"validation\":true", "\"validation\":false")
                .replace("\"validation\" : true", "\"validation\" : false"));
        Run every = run("sweep", "report", out.toString());
        assertThat(every.code()).as(every.err()).isZero();
        assertThat(every.out()).contains("ranked by the mean over EVERY set").contains(": score over every set ")
                .doesNotContain("validation score");
        Files.writeString(desc, described);

        // the Kubernetes Jobs: a ConfigMap and one Job per trial, each running drl sweep trial; the first Job's command
        // run here (the same arguments, the sweep file and --out mapped to local paths) gives the same trial directory
        Run k8s = run("sweep", "k8s", file.toString(), "--image", "example/drl:1", "--claim", "sweeps");
        assertThat(k8s.code()).as(k8s.err()).isZero();
        List<JsonNode> docs = new ArrayList<>();
        try (tools.jackson.databind.MappingIterator<Object> it = new tools.jackson.dataformat.yaml.YAMLMapper()
                .readerFor(Object.class).readValues(k8s.out())) {
            it.forEachRemaining(d -> docs.add(JSON.valueToTree(d)));
        }
        assertThat(docs).hasSize(5);
        assertThat(docs.get(0).get("kind").asText()).isEqualTo("ConfigMap");
        assertThat(docs.get(0).get("data").get("sweep.yaml").asText()).isEqualTo(Files.readString(file).stripTrailing() + "\n");
        JsonNode job = docs.get(1);
        assertThat(job.get("apiVersion").asText()).isEqualTo("batch/v1");
        assertThat(job.get("metadata").get("name").asText()).isEqualTo("drl-sweep-tiny-0");
        assertThat(docs.subList(1, 5)).allSatisfy(d -> assertThat(d.get("kind").asText()).isEqualTo("Job"));
        JsonNode container = job.get("spec").get("template").get("spec").get("containers").get(0);
        List<String> command = new ArrayList<>();
        container.get("command").forEach(c -> command.add(c.asText()));
        assertThat(command).containsExactly("java", "-Xmx1g", "-jar", "/app/drl.jar", "sweep", "trial",
                "/etc/drl-sweep/sweep.yaml", "--out", "/data/drl-sweep-tiny", "--setting", "afterstate-candidates=2",
                "--seed", "1", "--java-opts=-Xmx1g");
        assertThat(container.get("env").get(0).get("name").asText()).isEqualTo("OMP_NUM_THREADS");
        Path jobOut = tmp.resolve("job-out");
        List<String> local = new ArrayList<>(command.subList(4, command.size()));
        local.set(2, file.toString());
        local.set(4, jobOut.toString());
        Run trial = run(local.toArray(String[]::new));
        assertThat(trial.code()).as(trial.err()).isZero();
        Path jobTrial = jobOut.resolve("afterstate-candidates=2").resolve("seed-1");
        try (var a = Files.list(jobTrial); var b = Files.list(trials.get(0))) {
            assertThat(a.map(f -> f.getFileName().toString()).sorted().toList())
                    .isEqualTo(b.map(f -> f.getFileName().toString()).sorted().toList());
        }
        assertThat(Files.readAllBytes(jobTrial.resolve("model.zip")))
                .isEqualTo(Files.readAllBytes(trials.get(0).resolve("model.zip")));
        assertThat(JSON.readTree(jobTrial.resolve("eval.json").toFile()))
                .isEqualTo(JSON.readTree(trials.get(0).resolve("eval.json").toFile()));
        assertThat(JSON.readTree(jobTrial.resolve("trial.json").toFile()).get("args").toString()
                .replace(jobOut.toString(), out.toString()))
                .isEqualTo(JSON.readTree(trials.get(0).resolve("trial.json").toFile()).get("args").toString());
        assertThat(run(local.toArray(String[]::new)).out()).contains("finished before, skipped");

        // a killed sweep: one trial lost its marker after training, another is a half-written directory
        Path noMarker = trials.get(1);
        Path half = trials.get(2);
        Files.delete(noMarker.resolve("done.json"));
        Files.delete(half.resolve("done.json"));
        Files.delete(half.resolve("eval.json"));
        Files.writeString(half.resolve("junk.tmp"), "half");
        FileTime old = FileTime.fromMillis(1_000_000_000L);
        for (Path t : List.of(trials.get(0), trials.get(3))) {
            Files.setLastModifiedTime(t.resolve("done.json"), old);
            Files.setLastModifiedTime(t.resolve("model.zip"), old);
        }
        Run again = run("sweep", "run", file.toString(), "--out", out.toString(), "--parallel", "2");
        assertThat(again.code()).as(again.err() + again.out()).isZero();
        assertThat(again.out()).contains("[2/4] 2 finished trials skipped")
                .contains("trained 2, skipped 2 (finished before), failed 0");
        for (Path t : List.of(trials.get(0), trials.get(3))) {
            assertThat(Files.getLastModifiedTime(t.resolve("done.json"))).isEqualTo(old);
            assertThat(Files.getLastModifiedTime(t.resolve("model.zip"))).isEqualTo(old);
        }
        assertThat(half.resolve("junk.tmp")).doesNotExist();
        assertThat(half.resolve("done.json")).isRegularFile();
        assertThat(Files.readAllBytes(noMarker.resolve("model.zip"))).isEqualTo(model);
        // nothing left: a third run trains nothing
        Run third = run("sweep", "run", file.toString(), "--out", out.toString());
        assertThat(third.out()).contains("trained 0, skipped 4");

        // the sweep file changed under a finished directory: refused, not mixed
        Files.writeString(file, Files.readString(file).replace("timesteps: 400", "timesteps: 800"));
        Run changedPlan = run("sweep", "run", file.toString(), "--out", out.toString(), "--dry-run");
        assertThat(changedPlan.out()).contains("refused: " + out.resolve("afterstate-candidates=2/seed-1")
                + " was trained with other options");
        Run changed = run("sweep", "run", file.toString(), "--out", out.toString());
        assertThat(changed.code()).isEqualTo(1);
        assertThat(changed.err()).contains("was trained with other options").contains("use another --out");
    }

    @Test
    void anotherSweepsFinishedTrialsAreReusedWithTheSetsBothDefineAlike(@TempDir Path tmp) throws Exception {
        Path first = tmp.resolve("first.yaml");
        Files.writeString(first, "base: {profile: paper, trace: ../datasets/paper/test-20.csv, timesteps: 400}\n"
                + "settings:\n  - {id: two, options: {afterstate-candidates: 2}}\nseeds: [1]\n" + SETS);
        Path firstOut = tmp.resolve("first");
        Run a = run("sweep", "run", first.toString(), "--out", firstOut.toString(), "--parallel", "1");
        assertThat(a.code()).as(a.err() + a.out()).isZero();
        Path source = firstOut.resolve("two").resolve("seed-1");

        // the same training under another id, a setting trained anew, the same set and one the first sweep lacks
        Path second = tmp.resolve("second.yaml");
        Files.writeString(second, "base: {profile: paper, trace: ../datasets/paper/test-20.csv, timesteps: 400}\n"
                + "settings:\n  - {id: renamed, options: {afterstate-candidates: 2}}\n"
                + "  - {id: four, options: {afterstate-candidates: 4}}\nseeds: [1]\n" + SETS
                + "  - {name: one-step, traces: [../datasets/paper/test-20.csv], options: {afterstate-lookahead-samples: 0}}\n");
        Path secondOut = tmp.resolve("second");
        Run dry = run("sweep", "run", second.toString(), "--out", secondOut.toString(), "--dry-run", "--reuse",
                firstOut.toString());
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("renamed seed 1: copied from " + source + " unless finished in --out")
                .doesNotContain("four seed 1: copied");
        assertThat(secondOut).doesNotExist();
        // expected-2 on a set both define alike comes from the first sweep's baselines.json (greedy's returns the same):
        // marked there with a return no play gives
        com.fasterxml.jackson.databind.node.ObjectNode baselines =
                (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(firstOut.resolve("baselines.json").toFile());
        ((com.fasterxml.jackson.databind.node.ArrayNode) baselines.get("test-20").get(0).get("expected-2")).set(0,
                JSON.getNodeFactory().numberNode(12345.5));
        Files.writeString(firstOut.resolve("baselines.json"), JSON.writeValueAsString(baselines));
        Run b = run("sweep", "run", second.toString(), "--out", secondOut.toString(), "--parallel", "1", "--reuse",
                firstOut.toString());
        assertThat(b.code()).as(b.err() + b.out()).isZero();
        assertThat(b.out()).contains("trained 1, reused 1 (--reuse), skipped 0 (finished before), failed 0")
                .containsPattern("renamed seed 1: reused from " + java.util.regex.Pattern.quote(source.toString())
                        + " \\(trained in [0-9.]+ s\\), final return [0-9,.]+; test-20 [0-9.]+ % of greedy");
        Path copy = secondOut.resolve("renamed").resolve("seed-1");
        assertThat(Files.readAllBytes(copy.resolve("model.zip"))).isEqualTo(Files.readAllBytes(source.resolve("model.zip")));
        assertThat(Files.readString(copy.resolve("metrics.csv"))).isEqualTo(Files.readString(source.resolve("metrics.csv")));
        JsonNode trial = JSON.readTree(copy.resolve("trial.json").toFile());
        assertThat(trial.get("reusedFrom").asText()).isEqualTo(source.toString());
        assertThat(trial.get("setting").asText()).isEqualTo("renamed");
        assertThat(trial.get("args").toString()).contains(copy.toString()).doesNotContain(source.toString());
        assertThat(JSON.readTree(copy.resolve("done.json").toFile()).get("trainSeconds").asDouble())
                .isEqualTo(JSON.readTree(source.resolve("done.json").toFile()).get("trainSeconds").asDouble());
        // the set both sweeps define is taken as it is; the other one is played on the copied model
        JsonNode eval = JSON.readTree(copy.resolve("eval.json").toFile()).get("sets");
        assertThat(eval.get("test-20")).isEqualTo(JSON.readTree(source.resolve("eval.json").toFile()).get("sets")
                .get("test-20"));
        Run oneStep = run("evaluate", "--model", copy.resolve("model.zip").toString(), "--trace",
                "../datasets/paper/test-20.csv", "--json", "--no-optimum", "--lookahead", "0", "--no-expected",
                "--afterstate-lookahead-samples", "0");
        assertThat(oneStep.code()).as(oneStep.err()).isZero();
        assertThat(eval.get("one-step").get("model").asDouble())
                .isEqualTo(JSON.readTree(oneStep.out()).get(0).get("return").asDouble());
        assertThat(secondOut.resolve("four").resolve("seed-1").resolve("model.zip")).isRegularFile();
        JsonNode trained = JSON.readTree(secondOut.resolve("four").resolve("seed-1").resolve("eval.json").toFile())
                .get("sets");
        assertThat(trained.get("test-20").get("expected-2").asDouble()).isEqualTo(12345.5);
        assertThat(JSON.readTree(secondOut.resolve("baselines.json").toFile()).get("test-20").get(0).get("expected-2")
                .get(0).asDouble()).isEqualTo(12345.5);
        // the set the first sweep lacks: expected-2 played
        assertThat(trained.get("one-step").get("expected-2").asDouble()).isGreaterThan(50_000);
        assertThat(JSON.readTree(secondOut.resolve("four").resolve("seed-1").resolve("trial.json").toFile())
                .has("reusedFrom")).isFalse();
        assertThat(run("sweep", "run", second.toString(), "--out", secondOut.toString(), "--reuse",
                firstOut.toString()).out()).contains("trained 0, skipped 2");

        // a damaged entry there: a one-line error naming the file and the entry, and nothing played on a wrong baseline
        ((com.fasterxml.jackson.databind.node.ObjectNode) baselines.get("test-20").get(0)).putArray("expected-2").add(1.0)
                .add(2.0);
        Files.writeString(firstOut.resolve("baselines.json"), JSON.writeValueAsString(baselines));
        Path fourthOut = tmp.resolve("fourth");
        Run damaged = run("sweep", "run", second.toString(), "--out", fourthOut.toString(), "--parallel", "1",
                "--reuse", firstOut.toString());
        assertThat(damaged.out()).contains("four seed 1: FAILED: " + firstOut.resolve("baselines.json")
                + ": entry 0 of \"test-20\" is ").contains("expected {\"greedy\": [...], \"expected-2\": [...]}, two lists "
                + "of as many numbers (one per trace of the set)");
        assertThat(fourthOut.resolve("four").resolve("seed-1").resolve("done.json")).doesNotExist();

        Run notASweep = run("sweep", "run", second.toString(), "--out", tmp.resolve("third").toString(), "--reuse",
                tmp.toString());
        assertThat(notASweep.code()).isEqualTo(1);
        assertThat(notASweep.err().strip()).isEqualTo("drl sweep run: --reuse " + tmp + ": not a sweep directory (no "
                + "sweep.json in it): expected a directory drl sweep run wrote");
    }

    @Test
    void anOutThatIsAFileAndABadClaimAreOneLineErrors(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("good.yaml"), "base: {profile: paper, trace: "
                + "../datasets/paper/test-20.csv, timesteps: 200}\ngrid: {afterstate-candidates: [2]}\nseeds: [1]\n"
                + SETS);
        Path notDir = Files.writeString(tmp.resolve("results.txt"), "mine\n");
        for (List<String> extra : List.of(List.<String>of(), List.of("--dry-run"))) {
            List<String> args = new ArrayList<>(List.of("sweep", "run", file.toString(), "--out", notDir.toString()));
            args.addAll(extra);
            Run r = run(args.toArray(String[]::new));
            assertThat(r.code()).as(extra.toString()).isEqualTo(1);
            assertThat(r.err().strip()).isEqualTo("drl sweep run: --out " + notDir + ": a file, not a directory "
                    + "(expected a directory for the sweep's trials)");
            assertThat(r.out()).isEmpty();
        }
        Run under = run("sweep", "run", file.toString(), "--out", notDir.resolve("sub").toString());
        assertThat(under.err().strip()).isEqualTo("drl sweep run: --out " + notDir.resolve("sub") + ": " + notDir
                + " is a file, not a directory (expected a directory for the sweep's trials)");
        Run trial = run("sweep", "trial", file.toString(), "--out", notDir.toString(), "--setting",
                "afterstate-candidates=2", "--seed", "1");
        assertThat(trial.code()).isEqualTo(1);
        assertThat(trial.err().strip()).isEqualTo("drl sweep trial: --out " + notDir + ": a file, not a directory "
                + "(expected a directory for the sweep's trials)");
        assertThat(Files.readString(notDir)).isEqualTo("mine\n");

        // --claim names a PersistentVolumeClaim: a DNS-1123 subdomain, as the API server checks it
        for (String bad : List.of("Bad Claim", "data_1", "-data", "data.", "a".repeat(254))) {
            Run k8s = run("sweep", "k8s", file.toString(), "--image", "drl:1", "--claim", bad);
            assertThat(k8s.code()).as(bad).isEqualTo(1);
            assertThat(k8s.err().strip()).as(bad).isEqualTo("drl sweep k8s: --claim '"
                    + (bad.length() > 80 ? bad.substring(0, 80) + "..." : bad) + "': expected a DNS subdomain name: "
                    + "lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253");
            assertThat(k8s.out()).isEmpty();
        }
        for (String good : List.of("data", "sweeps.team-1", "a".repeat(253))) {
            Run k8s = run("sweep", "k8s", file.toString(), "--image", "drl:1", "--claim", good);
            assertThat(k8s.code()).as(good + k8s.err()).isZero();
            assertThat(k8s.out()).contains("persistentVolumeClaim: {claimName: \"" + good + "\"}");
        }
    }

    @Test
    void damagedFilesOfAFinishedSweepAreNamedInOneLineAndNothingIsDeleted(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("one.yaml");
        Files.writeString(file, "base: {profile: paper, trace: ../datasets/paper/test-20.csv, timesteps: 200}\n"
                + "settings:\n  - {id: a, options: {afterstate-candidates: 2}}\nseeds: [1]\n" + SETS);
        Path good = tmp.resolve("good");
        Run first = run("sweep", "run", file.toString(), "--out", good.toString(), "--parallel", "1");
        assertThat(first.code()).as(first.err() + first.out()).isZero();
        String eval = Files.readString(good.resolve("a/seed-1/eval.json"));
        String done = Files.readString(good.resolve("a/seed-1/done.json"));
        com.fasterxml.jackson.databind.node.ObjectNode evalTree = (com.fasterxml.jackson.databind.node.ObjectNode)
                JSON.readTree(eval);
        com.fasterxml.jackson.databind.node.ObjectNode t20 = (com.fasterxml.jackson.databind.node.ObjectNode)
                evalTree.get("sets").get("test-20");
        double model = t20.get("model").asDouble();
        String finished = "; the trial is finished: repair the file, or delete its directory to train it again";

        // {the file damaged (relative to the sweep directory), its content, the message after its path}
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"a/seed-1/done.json", "", ": the file is empty (expected a JSON object)"});
        cases.add(new String[] {"a/seed-1/done.json", done.replaceFirst("\"trainSeconds\" : [0-9.eE+-]+",
                "\"trainSeconds\" : \"x\""), ": field trainSeconds is \"x\" (expected a number)"});
        cases.add(new String[] {"a/seed-1/done.json", "[1, 2]", ": the file holds [1,2] (expected a JSON object)"});
        cases.add(new String[] {"a/seed-1/eval.json", "{\"sets\": {\"test-20\": {\"model\": 1",
                ": not valid JSON at line 1, column 33: the file ends inside a value (expected the rest of it; cut "
                        + "short?)"});
        cases.add(new String[] {"a/seed-1/eval.json", "{\"sets\": {\"test-20\": {\"model\": NaN}}}",
                ": not valid JSON at line 1, column 35: 'NaN' is not a JSON number (expected a finite number)"});
        cases.add(new String[] {"a/seed-1/eval.json", eval + "}", ": not valid JSON at line " + eval.lines().count()
                + ", column 2: more follows the JSON value (expected the file to end after it)"});
        t20.put("model", "abc");
        cases.add(new String[] {"a/seed-1/eval.json", JSON.writeValueAsString(evalTree),
                ": field sets.test-20.model is \"abc\" (expected a number)"});
        t20.putNull("model");
        cases.add(new String[] {"a/seed-1/eval.json", JSON.writeValueAsString(evalTree),
                ": field sets.test-20.model is empty (expected a number)"});
        t20.put("model", model);
        t20.put("greedy", "many");
        cases.add(new String[] {"a/seed-1/eval.json", JSON.writeValueAsString(evalTree),
                ": field sets.test-20.greedy is \"many\" (expected a number)"});
        cases.add(new String[] {"a/seed-1/eval.json", "{\"sets\": {\"other\": {}}}",
                ": field sets.test-20 is missing (expected an object: the set's returns)"});
        cases.add(new String[] {"a/seed-1/trial.json", "{}", ": field args is missing (expected a list of strings)"});
        cases.add(new String[] {"a/seed-1/trial.json", "{\"args\": [\"train\", 5]}",
                ": field args[1] is 5 (expected a string)"});
        int n = 0;
        for (String[] c : cases) {
            Path out = tmp.resolve("damaged-" + n++);
            copy(good, out);
            Path damaged = out.resolve(c[0]);
            Files.writeString(damaged, c[1]);
            String message = damaged + c[2];
            // the report reads done.json and eval.json (and sweep.json), not trial.json
            if (!c[0].endsWith("trial.json")) {
                Run report = run("sweep", "report", out.toString());
                assertThat(report.code()).as(c[0] + " " + c[1]).isEqualTo(1);
                assertThat(report.err().strip()).as(c[1]).isEqualTo("drl sweep report: " + message);
            }
            // a resumed run refuses the finished trial, naming the file: neither skipped nor deleted
            Run plan = run("sweep", "run", file.toString(), "--out", out.toString(), "--dry-run");
            assertThat(plan.code()).as(plan.err()).isZero();
            assertThat(plan.out()).as(c[1]).contains("\nrefused: " + message + finished + "\n");
            Run again = run("sweep", "run", file.toString(), "--out", out.toString());
            assertThat(again.code()).isEqualTo(1);
            assertThat(again.err().strip()).as(c[1]).isEqualTo("drl sweep run: " + message + finished);
            Run trial = run("sweep", "trial", file.toString(), "--out", out.toString(), "--setting", "a", "--seed",
                    "1");
            assertThat(trial.err().strip()).as(c[1]).isEqualTo("drl sweep trial: " + message + finished);
            assertThat(Files.readString(damaged)).isEqualTo(c[1]);
            assertThat(out.resolve("a/seed-1/model.zip")).isRegularFile();
            assertThat(out.resolve("a/seed-1/done.json")).isRegularFile();
        }

        // sweep.json cut short or of another shape: the report and a resumed run name it
        String described = Files.readString(good.resolve("sweep.json"));
        for (String[] c : List.of(new String[] {described.substring(0, 40), ": not valid JSON at line "
                + described.substring(0, 40).lines().count() + ", column " + (40 - described.substring(0, 40)
                .lastIndexOf('\n')) + ": the file ends inside a value (expected the rest of it; cut short?)"},
                new String[] {"{\"sets\": {}}", ": field sets is {} (expected a list)"},
                new String[] {described.replace("\"name\" : \"test-20\"", "\"name\" : 20"),
                        ": field sets[0].name is 20 (expected a string)"})) {
            Path out = tmp.resolve("damaged-" + n++);
            copy(good, out);
            Files.writeString(out.resolve("sweep.json"), c[0]);
            String message = out.resolve("sweep.json") + c[1];
            Run report = run("sweep", "report", out.toString());
            assertThat(report.err().strip()).as(c[0]).isEqualTo("drl sweep report: " + message);
            Run again = run("sweep", "run", file.toString(), "--out", out.toString());
            assertThat(again.code()).isEqualTo(1);
            assertThat(again.err().strip()).as(c[0]).isEqualTo("drl sweep run: " + message + "; the directory has "
                    + "finished trials, evaluated on the sets it lists: repair it");
            assertThat(Files.readString(out.resolve("sweep.json"))).isEqualTo(c[0]);
        }
        // the settings and seeds the report reads
        Path out = tmp.resolve("damaged-" + n++);
        copy(good, out);
        Files.writeString(out.resolve("sweep.json"), described.replaceFirst("\"seeds\" : \\[ 1 \\]",
                "\"seeds\" : [ \"one\" ]"));
        assertThat(run("sweep", "report", out.toString()).err().strip()).isEqualTo("drl sweep report: "
                + out.resolve("sweep.json") + ": field seeds[0] is \"one\" (expected an integer)");

        // a --reuse directory's damaged finished trial: the trial that would copy it fails, naming the file
        Path source = tmp.resolve("source");
        copy(good, source);
        Files.writeString(source.resolve("a/seed-1/done.json"), done.replaceFirst("\"trainSeconds\" : [0-9.eE+-]+",
                "\"trainSeconds\" : null"));
        Path fresh = tmp.resolve("fresh");
        Run reuse = run("sweep", "run", file.toString(), "--out", fresh.toString(), "--reuse", source.toString());
        assertThat(reuse.code()).isEqualTo(1);
        assertThat(reuse.out()).contains("a seed 1: FAILED: " + source.resolve("a/seed-1/done.json").toAbsolutePath()
                + ": field trainSeconds is empty (expected a number)\n");
        assertThat(fresh.resolve("a/seed-1/done.json")).doesNotExist();
        Files.writeString(source.resolve("a/seed-1/trial.json"), "{\"args\": \"train\"}");
        Run reuseDry = run("sweep", "run", file.toString(), "--out", tmp.resolve("fresh2").toString(), "--reuse",
                source.toString(), "--dry-run");
        assertThat(reuseDry.err().strip()).isEqualTo("drl sweep run: " + source.resolve("a/seed-1/trial.json")
                .toAbsolutePath() + ": field args is \"train\" (expected a list of strings)");
    }

    private static void copy(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
