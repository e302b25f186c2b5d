package dev.kdrl.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.core.io.TestZips;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyFileTest {

    /** A paper-sized policy (9 → 128 → 128 → 37, critic 9 → 128 → 128 → 1) with random weights. */
    static SavedPolicy paperSized(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Mlp actor = TestNets.random(new int[] {9, 128, 128, 37}, Activation.TANH, r, 0.2);
        Mlp critic = TestNets.random(new int[] {9, 128, 128, 1}, Activation.TANH, r, 0.2);
        RunningMeanStd rms = new RunningMeanStd(9);
        double[][] batch = new double[100][9];
        for (double[] row : batch) {
            for (int i = 0; i < 9; i++) {
                row[i] = r.nextDouble(0, 100);
            }
        }
        rms.update(batch);
        return new SavedPolicy("ppo", Map.of("gamma", "0.99", "clipRange", "0.2", "note", "a=b: c\\d é"),
                TestNets.paper(), actor, critic, rms.freeze(), SavedPolicy.currentLibraryVersion());
    }

    @Test
    void saveLoadRoundTripGivesIdenticalLogits(@TempDir Path dir) {
        SavedPolicy saved = paperSized(1);
        Path file = dir.resolve("sub/policy.zip");
        PolicyFile.save(saved, file);
        SavedPolicy loaded = PolicyFile.load(file);
        assertThat(loaded).isEqualTo(saved);
        assertThat(loaded.hyperParameters()).containsEntry("note", "a=b: c\\d é").hasSize(3);
        assertThat(loaded.libraryVersion()).isEqualTo("dev");
        assertThat(loaded.env()).isEqualTo(TestNets.paper());
        MultiCategoricalPolicy p = saved.policy();
        MultiCategoricalPolicy q = loaded.policy();
        assertThat(q.name()).isEqualTo("ppo");
        SplittableRandom r = new SplittableRandom(2);
        for (int k = 0; k < 50; k++) {
            double[] obs = new double[9];
            for (int i = 0; i < 9; i++) {
                obs[i] = r.nextDouble(0, 120);
            }
            assertThat(q.logits(obs)).containsExactly(p.logits(obs));
            assertThat(q.act(obs)).containsExactly(p.act(obs));
            assertThat(loaded.value(obs)).isEqualTo(saved.value(obs));
        }
        // the critic's input is checked as the actor's is
        assertThatThrownBy(() -> loaded.value(new double[8])).hasMessage("observation has length 8, the policy expects 9");
        double[] nan = new double[9];
        nan[4] = Double.NaN;
        assertThatThrownBy(() -> loaded.value(nan)).hasMessage("observation[4] is NaN (expected a finite number)");
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void optionalPartsMayBeAbsent(@TempDir Path dir) {
        SavedPolicy full = paperSized(3);
        SavedPolicy bare = new SavedPolicy("trpo", Map.of(), full.env(), full.actor(), null, null, "1.2.3");
        Path file = dir.resolve("bare.zip");
        PolicyFile.save(bare, file);
        assertThat(entries(file)).containsOnlyKeys("manifest.properties", "actor.bin");
        SavedPolicy loaded = PolicyFile.load(file);
        assertThat(loaded).isEqualTo(bare);
        assertThat(loaded.hasCritic()).isFalse();
        assertThat(loaded.normalizer().isIdentity()).isTrue();
        assertThatThrownBy(() -> loaded.value(new double[9])).hasMessage("this policy was saved without a critic");
        PolicyFile.save(full, file); // replaces the existing file
        assertThat(PolicyFile.load(file)).isEqualTo(full);
    }

    @Test
    void savingTwiceGivesTheSameBytes(@TempDir Path dir) throws IOException {
        SavedPolicy p = paperSized(4);
        PolicyFile.save(p, dir.resolve("a.zip"));
        PolicyFile.save(p, dir.resolve("b.zip"));
        assertThat(Files.readAllBytes(dir.resolve("a.zip"))).isEqualTo(Files.readAllBytes(dir.resolve("b.zip")));
    }

    @Test
    void policyForChecksTheEnvironment() {
        SavedPolicy p = paperSized(5);
        assertThat(p.policyFor(TestNets.paper()).name()).isEqualTo("ppo");
        EnvSignature other = new EnvSignature(List.of("house", "senti", "numbr"), new int[] {22, 7, 8}, 9, "paper",
                List.of(), 60);
        assertThatThrownBy(() -> p.policyFor(other))
                .hasMessage("the policy was trained for a different environment (the policy's, then this one's): quota 40.0 vs 60.0");
    }

    @Test
    void theObservationKindRoundTripsAndAPaperFileHasNoKeyForIt(@TempDir Path dir) throws IOException {
        SplittableRandom r = new SplittableRandom(6);
        EnvSignature full = new EnvSignature(List.of("house", "senti", "numbr"), new int[] {22, 7, 8}, 165, "paper",
                List.of(), 40, "full");
        SavedPolicy p = new SavedPolicy("trpo", Map.of(), full,
                TestNets.random(new int[] {165, 4, 37}, Activation.TANH, r, 1), null, null, "v");
        Path file = dir.resolve("full.zip");
        PolicyFile.save(p, file);
        String manifest = new String(entries(file).get("manifest.properties"), StandardCharsets.ISO_8859_1);
        assertThat(manifest).contains("env.observation=full\n");
        SavedPolicy loaded = PolicyFile.load(file);
        assertThat(loaded.env().observation()).isEqualTo("full");
        assertThat(loaded).isEqualTo(p);
        // refused for the published observation, saying why
        EnvSignature paper = new EnvSignature(List.of("house", "senti", "numbr"), new int[] {22, 7, 8}, 165,
                "paper", List.of(), 40);
        assertThatThrownBy(() -> loaded.policyFor(paper))
                .hasMessage("the policy was trained for a different environment (the policy's, then this one's): observation full vs paper");
        // a file of the published observation is written as before: no key, read back as paper
        PolicyFile.save(paperSized(2), file);
        assertThat(new String(entries(file).get("manifest.properties"), StandardCharsets.ISO_8859_1))
                .doesNotContain("env.observation=");
        assertThat(PolicyFile.load(file).env().observation()).isEqualTo(EnvSignature.PAPER_OBSERVATION);
    }

    @Test
    void serviceSettingsRoundTripAndAFileWithoutThemReadsAsNotRecorded(@TempDir Path dir) throws IOException {
        SplittableRandom r = new SplittableRandom(7);
        EnvSignature paper = TestNets.paper();
        List<String> settings = List.of("sloMs=1500.0 maxPodStep=0", "sloMs=2200.0 maxPodStep=0",
                "sloMs=800.0 maxPodStep=2");
        EnvSignature recorded = new EnvSignature(paper.serviceNames(), paper.nvec(), 9, "paper",
                paper.actionTables(), 40, "paper", settings);
        SavedPolicy p = new SavedPolicy("trpo", Map.of(), recorded,
                TestNets.random(new int[] {9, 4, 37}, Activation.TANH, r, 1), null, null, "v");
        Path file = dir.resolve("settings.zip");
        PolicyFile.save(p, file);
        String manifest = new String(entries(file).get("manifest.properties"), StandardCharsets.ISO_8859_1);
        assertThat(manifest).contains("env.serviceSettings=3\n", "env.serviceSetting.2=sloMs\\=800.0 maxPodStep\\=2\n");
        SavedPolicy loaded = PolicyFile.load(file);
        assertThat(loaded.env().serviceSettings()).isEqualTo(settings);
        assertThat(loaded).isEqualTo(p);
        // a file saved without them (every file before 2026-12-07) has no key and reads as not recorded
        PolicyFile.save(paperSized(3), file);
        assertThat(new String(entries(file).get("manifest.properties"), StandardCharsets.ISO_8859_1))
                .doesNotContain("env.serviceSetting");
        assertThat(PolicyFile.load(file).env().serviceSettings()).isEmpty();
        // a count whose lines are missing is refused naming the file and the key
        Path bad = tampered(dir, manifest(t -> t + "env.serviceSettings=3\n"));
        assertThatThrownBy(() -> PolicyFile.load(bad)).hasMessageStartingWith(bad + ": ")
                .hasMessageContaining("env.serviceSetting.0");
        Path negative = tampered(dir, manifest(t -> t + "env.serviceSettings=-1\n"));
        assertThatThrownBy(() -> PolicyFile.load(negative)).hasMessage(negative + ": manifest field "
                + "'env.serviceSettings' is -1 (expected the number of services' settings lines, >= 0)");
    }

    @Test
    void aBadObservationKindIsRefusedNamingTheFile(@TempDir Path dir) {
        Path bad = tampered(dir, manifest(t -> t + "env.observation=Full Markov\n"));
        assertThatThrownBy(() -> PolicyFile.load(bad))
                .hasMessage(bad + ": manifest env: observation must be a lower-case word (e.g. paper, full), got "
                        + "'Full Markov'");
    }

    @Test
    void savedPolicyValidatesTheFit() {
        SavedPolicy p = paperSized(6);
        EnvSignature nine = new EnvSignature(List.of("house", "senti", "numbr"), new int[] {22, 7, 9}, 9, "paper",
                List.of(), 40);
        assertThatThrownBy(() -> new SavedPolicy("ppo", Map.of(), nine, p.actor(), null, null, "v"))
                .hasMessage("the actor has 37 outputs, the environment's nvec [22, 7, 9] needs sum(nvec) = 38");
        EnvSignature twelve = new EnvSignature(List.of("house", "senti", "numbr"), new int[] {22, 7, 8}, 12,
                "paper", List.of(), 40);
        assertThatThrownBy(() -> new SavedPolicy("ppo", Map.of(), twelve, p.actor(), null, null, "v"))
                .hasMessage("the actor's input size is 9, the environment's observation size is 12");
        assertThatThrownBy(() -> new SavedPolicy("ppo", Map.of(), p.env(), p.actor(), p.actor(), null, "v"))
                .hasMessage("the critic maps 9 inputs to 37 outputs, expected 9 inputs to 1 output");
        assertThatThrownBy(() -> new SavedPolicy("ppo", Map.of(), p.env(), p.actor(), null,
                ObservationNormalizer.identity(3), "v"))
                .hasMessage("the normalizer has size 3, the environment's observation size is 9");
        assertThatThrownBy(() -> new SavedPolicy(" ", Map.of(), p.env(), p.actor(), null, null, "v"))
                .hasMessage("algorithm must not be blank, got ' '");
    }

    // ---- corrupted and mismatching files ----

    static Map<String, byte[]> entries(Path file) {
        return TestZips.entries(file);
    }

    static void writeZip(Path file, Map<String, byte[]> entries) {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Saves a small valid policy, applies {@code edit} to its entries, writes them to {@code bad.zip}. */
    static Path tampered(Path dir, UnaryOperator<Map<String, byte[]>> edit) {
        SplittableRandom r = new SplittableRandom(9);
        SavedPolicy p = new SavedPolicy("trpo", Map.of(), TestNets.paper(),
                TestNets.random(new int[] {9, 4, 37}, Activation.TANH, r, 1),
                TestNets.random(new int[] {9, 4, 1}, Activation.TANH, r, 1),
                ObservationNormalizer.of(new double[9], new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3), "v");
        Path good = dir.resolve("good.zip");
        PolicyFile.save(p, good);
        Path bad = dir.resolve("bad.zip");
        writeZip(bad, edit.apply(entries(good)));
        return bad;
    }

    static UnaryOperator<Map<String, byte[]>> manifest(UnaryOperator<String> edit) {
        return m -> {
            String text = new String(m.get("manifest.properties"), StandardCharsets.ISO_8859_1);
            m.put("manifest.properties", edit.apply(text).getBytes(StandardCharsets.ISO_8859_1));
            return m;
        };
    }

    @Test
    void rejectsFilesThatAreNotPolicies(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("notes.zip");
        Files.writeString(text, "hello");
        assertThatThrownBy(() -> PolicyFile.load(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(text + " is not a policy file (expected a zip with manifest.properties and actor.bin, "
                        + "found [])");
        Path missing = dir.resolve("missing.zip");
        assertThatThrownBy(() -> PolicyFile.load(missing))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot read policy file " + missing + ": no such file");
        Path noActor = tampered(dir, m -> {
            m.remove("actor.bin");
            return m;
        });
        assertThatThrownBy(() -> PolicyFile.load(noActor))
                .hasMessageStartingWith(noActor + " is not a policy file")
                .hasMessageEndingWith("found [critic.bin, manifest.properties, normalizer.bin])");
    }

    @Test
    void rejectsOtherFormatsAndVersions(@TempDir Path dir) {
        Path predictor = tampered(dir, manifest(s -> s.replace("format=kdrl-policy", "format=kdrl-traffic-predictor")));
        assertThatThrownBy(() -> PolicyFile.load(predictor))
                .hasMessage(predictor + ": manifest format is 'kdrl-traffic-predictor', expected 'kdrl-policy'");
        Path v3 = tampered(dir, manifest(s -> s.replace("formatVersion=1", "formatVersion=3")));
        assertThatThrownBy(() -> PolicyFile.load(v3))
                .hasMessage(v3 + ": format version 3, this library reads 1 to 2");
        Path v0 = tampered(dir, manifest(s -> s.replace("formatVersion=1", "formatVersion=0")));
        assertThatThrownBy(() -> PolicyFile.load(v0))
                .hasMessage(v0 + ": format version 0, this library reads 1 to 2");
    }

    @Test
    void rejectsCorruptBinaryEntries(@TempDir Path dir) {
        Path truncated = tampered(dir, m -> {
            byte[] a = m.get("actor.bin");
            m.put("actor.bin", Arrays.copyOf(a, a.length - 8));
            return m;
        });
        assertThatThrownBy(() -> PolicyFile.load(truncated))
                .hasMessage(truncated + ": actor.bin: truncated Mlp stream: unexpected end of data");
        Path magic = tampered(dir, m -> {
            m.put("critic.bin", m.get("normalizer.bin"));
            return m;
        });
        assertThatThrownBy(() -> PolicyFile.load(magic))
                .hasMessage(magic + ": critic.bin: not an Mlp stream: bad magic 0x4B4E524D, expected 0x4B4D4C50 "
                        + "(\"KMLP\")");
        Path version = tampered(dir, m -> {
            m.get("normalizer.bin")[7] = 9;
            return m;
        });
        assertThatThrownBy(() -> PolicyFile.load(version))
                .hasMessage(version + ": normalizer.bin: unsupported ObservationNormalizer format version 9, "
                        + "this reader supports version 1");
        Path trailing = tampered(dir, m -> {
            byte[] a = m.get("actor.bin");
            m.put("actor.bin", Arrays.copyOf(a, a.length + 3));
            return m;
        });
        assertThatThrownBy(() -> PolicyFile.load(trailing))
                .hasMessage(trailing + ": actor.bin: corrupt actor.bin: 3 unexpected trailing bytes");
        Path missingCritic = tampered(dir, m -> {
            m.remove("critic.bin");
            return m;
        });
        assertThatThrownBy(() -> PolicyFile.load(missingCritic))
                .hasMessage(missingCritic + ": the manifest says there is a critic, critic.bin is missing");
    }

    @Test
    void rejectsManifestsThatDisagreeWithTheNetworks(@TempDir Path dir) {
        Path layers = tampered(dir, manifest(s -> s.replace("actor.layers=9,4,37", "actor.layers=9,5,37")));
        assertThatThrownBy(() -> PolicyFile.load(layers))
                .hasMessage(layers + ": manifest says the actor has layers 9,5,37 (tanh, output identity), "
                        + "actor.bin has 9,4,37 (tanh, output identity)");
        Path nvec = tampered(dir, manifest(s -> s.replace("env.nvec=22,7,8", "env.nvec=22,7,9")));
        assertThatThrownBy(() -> PolicyFile.load(nvec))
                .hasMessage(nvec + ": the actor has 37 outputs, the environment's nvec [22, 7, 9] needs "
                        + "sum(nvec) = 38");
        Path services = tampered(dir, manifest(s -> s.replace("env.services=house,senti,numbr",
                "env.services=house,senti")));
        assertThatThrownBy(() -> PolicyFile.load(services))
                .hasMessage(services + ": manifest env: nvec [22, 7, 8] has 3 components, there are 2 services "
                        + "[house, senti]");
        Path quota = tampered(dir, manifest(s -> s.replace("env.quota=40.0", "env.quota=forty")));
        assertThatThrownBy(() -> PolicyFile.load(quota))
                .hasMessage(quota + ": manifest field 'env.quota' is 'forty' (expected a number)");
        Path noProfile = tampered(dir, manifest(s -> s.replace("env.profile=paper\n", "")));
        assertThatThrownBy(() -> PolicyFile.load(noProfile))
                .hasMessage(noProfile + ": manifest field 'env.profile' is missing");
    }

    /** The algorithm and the library version are manifest fields like the others: missing, named as such. */
    @Test
    void aMissingOrBlankAlgorithmOrVersionIsNamedAsAManifestField(@TempDir Path dir) {
        Path noAlgorithm = tampered(dir, manifest(s -> s.replace("algorithm=trpo\n", "")));
        assertThatThrownBy(() -> PolicyFile.load(noAlgorithm))
                .hasMessage(noAlgorithm + ": manifest field 'algorithm' is missing (expected the name of the algorithm "
                        + "that trained the policy, e.g. afterstate or trpo)");
        Path blank = tampered(dir, manifest(s -> s.replace("algorithm=trpo\n", "algorithm=\n")));
        assertThatThrownBy(() -> PolicyFile.load(blank))
                .hasMessage(blank + ": manifest field 'algorithm' is '' (expected the name of the algorithm that "
                        + "trained the policy, e.g. afterstate or trpo)");
        Path noVersion = tampered(dir, manifest(s -> s.replace("libraryVersion=v\n", "")));
        assertThatThrownBy(() -> PolicyFile.load(noVersion))
                .hasMessage(noVersion + ": manifest field 'libraryVersion' is missing (expected the version of the "
                        + "library that saved the policy)");
    }

    // ---- the committed fixture: a format change that breaks loading or changes outputs fails here ----

    static Path fixture() {
        return TestZips.resource("/policy/fixture-v1.zip");
    }

    @Test
    void theVersion1FixtureStillLoadsAndActsTheSame() {
        // written once by PolicyFile format version 1: actor 9→4→4→37 and critic 9→4→4→1 (tanh) with weights
        // uniform in [-1, 1) from SplittableRandom(42), a normaliser, the paper's environment signature
        SavedPolicy saved = PolicyFile.load(fixture());
        assertThat(saved.algorithm()).isEqualTo("trpo");
        assertThat(saved.libraryVersion()).isEqualTo("0.1.0-fixture");
        assertThat(saved.hyperParameters()).containsExactlyEntriesOf(
                new TreeMap<>(Map.of("gamma", "0.99", "maxKl", "0.01", "net", "9-4-4-37")));
        assertThat(saved.env()).isEqualTo(TestNets.paper());
        assertThat(saved.actor().layerSizes()).containsExactly(9, 4, 4, 37);
        assertThat(saved.critic().layerSizes()).containsExactly(9, 4, 4, 1);
        assertThat(saved.normalizer().isIdentity()).isFalse();
        assertThat(saved.normalizer().count()).isEqualTo(12345.0001);

        assertThat(saved.head()).isEqualTo(ActorHead.MULTI_CATEGORICAL);
        MultiCategoricalPolicy policy = saved.policy();
        assertThat(saved.actingPolicy()).isInstanceOf(MultiCategoricalPolicy.class);
        double[][] obs = {
            {10, 25, 34, 20, 64, 28, 10, 55, 16},
            {0, 0, 0, 0, 0, 0, 0, 0, 0},
            {100, 0, 50, 0, 3, 80, 60, 10, 90},
        };
        int[][] actions = {{13, 5, 5}, {6, 0, 6}, {8, 6, 1}};
        double[] logProbs = {-4.425300705894341, -3.9588586060013338, -3.472001147967679};
        double[] values = {-0.1507817422634276, -0.9584901715056937, -0.1416106771382311};
        for (int k = 0; k < obs.length; k++) {
            assertThat(policy.act(obs[k])).as("action %d", k).containsExactly(actions[k]);
            assertThat(saved.actingPolicy().act(obs[k])).as("acting %d", k).containsExactly(actions[k]);
            assertThat(policy.logProb(obs[k], actions[k])).as("logProb %d", k)
                    .isCloseTo(logProbs[k], within(1e-12));
            assertThat(saved.value(obs[k])).as("value %d", k).isCloseTo(values[k], within(1e-12));
        }
    }

    @Test
    void theFixtureRoundTripsThroughTheCurrentWriter(@TempDir Path dir) {
        SavedPolicy saved = PolicyFile.load(fixture());
        Path again = dir.resolve("again.zip");
        PolicyFile.save(saved, again);
        assertThat(PolicyFile.load(again)).isEqualTo(saved);
        // the current writer still writes format version 1: same entries with the same contents (the
        // compressed bytes are not compared, they depend on the JDK's zlib)
        Map<String, byte[]> expected = entries(fixture());
        Map<String, byte[]> actual = entries(again);
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((name, bytes) -> assertThat(actual.get(name)).as(name).isEqualTo(bytes));
    }
}
