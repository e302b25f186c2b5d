package dev.kdrl.train.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.core.env.EnvChecker;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.SampledTrafficEnv;
import dev.kdrl.env.quota.TraceSampler;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordedWindowsTest {
    static final Trace TRAIN = MixedTracesTest.TRAIN;

    /** 1,000 rows whose values say where they come from: column c of row r is {@code 10000 c + r}, columns in another order. */
    static Trace recorded() {
        double[][] rows = new double[1000][3];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = new double[] {20000 + r, r, 10000 + r};
        }
        return new Trace("recorded.csv", List.of("numbr", "house", "senti"), rows);
    }

    static final TraceSampler OTHER = seed -> TRAIN;

    @Test
    void everyEpisodeAtShareOnePlaysAWholeWindowOfTheRecordedTraceInTheModelsColumnOrder() {
        RecordedWindows w = new RecordedWindows(PaperProfile.model(), recorded(), 200, 1, OTHER);
        Set<Integer> starts = new HashSet<>();
        for (long s = 0; s < 200; s++) {
            Trace t = w.sample(s);
            assertThat(t.length()).isEqualTo(200);
            assertThat(t.columns()).isEqualTo(PaperProfile.model().serviceNames());
            int from = (int) t.value(0, 0);
            assertThat(from).isBetween(0, 800);
            for (int r = 0; r < 200; r++) {
                assertThat(t.row(r)).containsExactly(from + r, 10000 + from + r, 20000 + from + r);
            }
            starts.add(from);
        }
        // 200 seeded draws among 801 starts: most distinct, spread over the whole trace
        assertThat(starts.size()).isGreaterThan(150);
        assertThat(starts.stream().mapToInt(Integer::intValue).min().orElseThrow()).isLessThan(100);
        assertThat(starts.stream().mapToInt(Integer::intValue).max().orElseThrow()).isGreaterThan(700);
    }

    @Test
    void atShareHalfAboutHalfTheEpisodesPlayTheOtherSamplersTraceAndTheSameSeedGivesTheSameTrace() {
        RecordedWindows w = new RecordedWindows(PaperProfile.model(), recorded(), 200, 0.5, OTHER);
        int windows = 0;
        for (long s = 0; s < 400; s++) {
            Trace t = w.sample(s);
            if (t == TRAIN) {
                continue;
            }
            windows++;
            assertThat(MixedTracesTest.sameValues(t, w.sample(s))).isTrue();
        }
        assertThat(windows).isBetween(160, 240);
    }

    @Test
    void theOtherEpisodesAreTheOtherSamplersOwnDraws() {
        MixedTraces synthetic = new MixedTraces(PaperProfile.model(), TRAIN, 0, 1, 0.8);
        RecordedWindows w = new RecordedWindows(PaperProfile.model(), recorded(), 200, 0.5, synthetic);
        Set<Double> firstValues = new HashSet<>();
        int others = 0;
        for (long s = 0; s < 100; s++) {
            Trace t = w.sample(s);
            if (t.value(0, 0) <= 100 && t.value(0, 2) <= 100) { // a synthetic trace: every value in train-200's range
                others++;
                firstValues.add(t.value(0, 0));
            } else {
                assertThat(t.value(0, 2)).isEqualTo(t.value(0, 0) + 20000);
            }
        }
        assertThat(others).isBetween(30, 70);
        assertThat(firstValues.size()).as("different synthetic traces, not one").isGreaterThan(10);
    }

    @Test
    void keepsTheEnvContractOnTheJulyWebTraffic() {
        Trace july = TraceCsv.read(Path.of("../datasets/nasa/nasa-http-1995-jul-scaled100.csv"));
        assertThat(july.length()).isEqualTo(10_080);
        EnvChecker.check(new SampledTrafficEnv(PaperProfile.model(), new RecordedWindows(PaperProfile.model(), july,
                TRAIN.length(), 0.5, new MixedTraces(PaperProfile.model(), TRAIN, 0, 1, 0.8))), 3, 450);
    }

    @Test
    void badInputIsNamed() {
        Trace twoColumns = new Trace("two.csv", List.of("house", "numbr"), new double[300][2]);
        assertThatThrownBy(() -> new RecordedWindows(PaperProfile.model(), twoColumns, 200, 0.5, OTHER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--traffic-windows: ").hasMessageContaining("two.csv").hasMessageContaining("senti");
        assertThatThrownBy(() -> new RecordedWindows(PaperProfile.model(), recorded(), 1001, 0.5, OTHER))
                .hasMessage("--traffic-windows recorded.csv has 1000 rows, expected at least 1001 (one training episode "
                        + "of --trace); --traffic-windows none trains without recorded windows");
        for (double share : new double[] {0, -0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> new RecordedWindows(PaperProfile.model(), recorded(), 200, share, OTHER))
                    .hasMessage("--traffic-windows-share must be in (0, 1], got " + share);
        }
        assertThatThrownBy(() -> new TrainingRun.Traffic(0, 1, 0.8, 0, null, 0.5))
                .hasMessage("--traffic-windows-share must be in (0, 1] with --traffic-windows (0 without), got 0.5");
        assertThatThrownBy(() -> new TrainingRun.Traffic(0, 1, 0.8, 0, recorded(), 0))
                .hasMessageStartingWith("--traffic-windows-share must be in (0, 1]");
    }

    @Test
    void theTrainingTrafficPutsTheWindowsBeforeTheOtherComponents() {
        TrainingRun.Traffic none = new TrainingRun.Traffic(0, 0, 0.8, 0);
        assertThat(none.sampler(PaperProfile.model(), TRAIN)).as("the trace as it is").isNull();
        TraceSampler only = new TrainingRun.Traffic(0, 0, 0.8, 0, recorded(), 0.5).sampler(PaperProfile.model(), TRAIN);
        int asRecorded = 0;
        for (long s = 0; s < 100; s++) {
            Trace t = only.sample(s);
            if (MixedTracesTest.sameValues(t, TRAIN)) {
                asRecorded++;
            } else {
                assertThat(t.value(0, 2)).isEqualTo(t.value(0, 0) + 20000);
            }
        }
        assertThat(asRecorded).as("the other half replays --trace as recorded").isBetween(30, 70);
        TraceSampler mixed = new TrainingRun.Traffic(0, 1, 0.8, 0, recorded(), 0.5).sampler(PaperProfile.model(), TRAIN);
        assertThat(mixed).isInstanceOf(RecordedWindows.class);
    }
}
