package dev.kdrl.train.predictor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kdrl.core.predict.NeuralPredictor;
import dev.kdrl.core.predict.PredictorFile;
import dev.kdrl.env.trace.Trace;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictorPipelineTest {

    /** A daily-like cycle of 24 periods with seeded noise, two columns with different phases. */
    static Trace periodic(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] rows = new double[n][2];
        for (int t = 0; t < n; t++) {
            rows[t][0] = 50 + 40 * Math.sin(2 * Math.PI * t / 24) + r.nextDouble(-3, 3);
            rows[t][1] = 30 + 20 * Math.sin(2 * Math.PI * (t + 6) / 24) + r.nextDouble(-2, 2);
        }
        return new Trace("periodic", List.of("a", "b"), rows);
    }

    static PredictorTraining.Options small(long seed) {
        return new PredictorTraining.Options(7, 0.2, 0.2, new BiLstmTrainer.Config(12, 1, 32, 60, 8, 0.01, seed));
    }

    @Test
    void forecastErrorsOnAHandWorkedExample() {
        ForecastErrors e = ForecastErrors.of(new double[] {10, 0, 4}, new double[] {8, 0, 6});
        assertThat(e.mae()).isCloseTo(4.0 / 3, within(1e-12));
        assertThat(e.rmse()).isCloseTo(Math.sqrt(8.0 / 3), within(1e-12));
        // 200*2/18 + 0 (0/0) + 200*2/10, averaged over 3
        assertThat(e.smape()).isCloseTo((400.0 / 18 + 40) / 3, within(1e-12));
    }

    @Test
    void chronologicalSplit() {
        SeriesSplit s = SeriesSplit.of(100, 0.2, 0.2, 7);
        assertThat(s.fitEnd()).isEqualTo(80);
        assertThat(s.trainEnd()).isEqualTo(64);
        assertThat(s.testSize()).isEqualTo(20);
        assertThatThrownBy(() -> SeriesSplit.of(10, 0.2, 0.2, 7)).hasMessageContaining("too few for a window of 7");
    }

    @Test
    void smallSeededRunOnAPeriodicSeriesBeatsLastValueAndSurvivesSaveLoad(@TempDir Path dir) {
        Trace trace = periodic(400, 1);
        PredictorTraining.Outcome o = PredictorTraining.train(trace, List.of("a"), small(7));
        NeuralPredictor p = o.predictor();
        PredictorEvaluation.Result r = PredictorEvaluation.evaluate("a", trace.column("a"), p, 0.2, 0.2, 7, 3);
        double model = r.rows().get(0).errors().mae();
        double last = r.rows().get(1).errors().mae();
        assertThat(r.rows().get(1).model()).isEqualTo("last-value");
        assertThat(model).as("model MAE %s vs last-value %s", model, last).isLessThan(last);
        Path file = dir.resolve("p.zip");
        PredictorFile.save(p, file);
        NeuralPredictor q = PredictorFile.load(file);
        double[] history = trace.column("a");
        assertThat(q.predict(history, 4)).containsExactly(p.predict(history, 4));
        assertThat(q.metadata()).containsEntry("columns", "a").containsEntry("trace", "periodic")
                .containsKeys("epochsRun", "bestEpoch", "validationMse", "created", "trainingSeconds");
    }

    @Test
    void sameSeedSameModel() {
        Trace trace = periodic(200, 2);
        PredictorTraining.Options o = new PredictorTraining.Options(7, 0.2, 0.2,
                new BiLstmTrainer.Config(6, 1, 32, 5, 5, 0.01, 11));
        NeuralPredictor a = PredictorTraining.train(trace, List.of("a", "b"), o).predictor();
        NeuralPredictor b = PredictorTraining.train(trace, List.of("a", "b"), o).predictor();
        double[] h = trace.column("b");
        assertThat(a.predict(h, 3)).containsExactly(b.predict(h, 3));
        assertThat(a.metadata()).containsEntry("columns", "a,b");
    }

    @Test
    void scalerIsFittedOnTheTrainingPartOnly() {
        // a spike in the test tail must not change the scaler
        Trace trace = periodic(200, 3);
        double[][] rows = new double[200][2];
        for (int t = 0; t < 200; t++) {
            rows[t] = trace.row(t);
        }
        rows[190][0] = 10_000;
        Trace spiked = new Trace("spiked", List.of("a", "b"), rows);
        PredictorTraining.Options o = new PredictorTraining.Options(7, 0.2, 0.2,
                new BiLstmTrainer.Config(4, 1, 32, 2, 2, 0.01, 1));
        NeuralPredictor p = PredictorTraining.train(spiked, List.of("a"), o).predictor();
        assertThat(p.scaler().max()).isLessThan(100);
    }
}
