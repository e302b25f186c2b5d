package dev.kdrl.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictorRegistryTest {
    static final double[] HISTORY = {10, 12, 15, 13, 18, 21, 19, 25, 24, 30};

    @Test
    void namesSettingsAndBaselines() {
        assertThat(Predictors.names()).containsExactly("last-value", "moving-average", "holt", "bilstm");
        assertThat(Predictors.baselines()).containsExactly("last-value", "moving-average", "holt");
        assertThat(Predictors.readersOf(Predictors.WINDOW)).containsExactly("moving-average", "bilstm");
        assertThat(Predictors.readersOf(Predictors.ALPHA)).containsExactly("holt");
        assertThat(Predictors.readersOf(Predictors.MAX_LOAD)).containsExactly("bilstm");
        assertThat(Predictors.entry("last-value").reads()).isEmpty();
    }

    @Test
    void eachKindIsBuiltFromTheSettingsItReads() {
        Predictors.Settings s = Predictors.Settings.defaults().withWindow(3).withHolt(0.3, 0.2);
        assertThat(Predictors.create("last-value", s).predict(HISTORY)).isEqualTo(30);
        assertThat(Predictors.create("moving-average", s).predict(HISTORY))
                .isEqualTo(new MovingAveragePredictor(3).predict(HISTORY));
        assertThat(Predictors.create("holt", s).predict(HISTORY)).isEqualTo(new HoltPredictor(0.3, 0.2).predict(HISTORY));
        // fitted on a training series instead
        HoltPredictor fitted = (HoltPredictor) Predictors.create("holt", s.fittedTo(HISTORY));
        assertThat(fitted.alpha()).isEqualTo(HoltPredictor.fit(HISTORY).alpha());
        assertThat(fitted.beta()).isEqualTo(HoltPredictor.fit(HISTORY).beta());
    }

    @Test
    void bilstmLoadsItsFileAndChecksIt(@TempDir Path dir) {
        Path file = dir.resolve("p.zip");
        NeuralPredictor original = PredictorFileTest.randomPredictor(2);
        PredictorFile.save(original, file);
        TrafficPredictor p = Predictors.create("bilstm", Predictors.Settings.defaults().withModel(file, 0));
        // the predictor saved, not another (a second random one predicts otherwise)
        assertThat(p.predict(HISTORY)).isEqualTo(original.predict(HISTORY))
                .isNotEqualTo(PredictorFileTest.randomPredictor(3).predict(HISTORY));
        assertThatThrownBy(() -> Predictors.create("bilstm", Predictors.Settings.defaults().withWindow(5)
                .withModel(file, 0))).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(file + ": ");
        assertThatThrownBy(() -> Predictors.create("bilstm", Predictors.Settings.defaults()))
                .hasMessage("predictor bilstm needs a model file");
    }

    @Test
    void anUnknownKindNamesTheKnownOnes() {
        assertThatThrownBy(() -> Predictors.create("arima", Predictors.Settings.defaults()))
                .hasMessage("predictor kind 'arima' is unknown (expected one of [last-value, moving-average, holt, "
                        + "bilstm])");
    }
}
