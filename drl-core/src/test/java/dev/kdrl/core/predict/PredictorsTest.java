package dev.kdrl.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PredictorsTest {

    @Test
    void scalerRoundTripAndRange() {
        MinMaxScaler s = MinMaxScaler.fit(new double[] {3, 13, 8});
        assertThat(s.transform(3)).isEqualTo(0);
        assertThat(s.transform(13)).isEqualTo(1);
        assertThat(s.transform(8)).isEqualTo(0.5);
        for (double v : new double[] {0, 3, 7.25, 13, 40}) {
            assertThat(s.inverse(s.transform(v))).isCloseTo(v, within(1e-12));
        }
        MinMaxScaler flat = MinMaxScaler.fit(new double[] {5, 5});
        assertThat(flat.transform(5)).isEqualTo(0);
        assertThat(flat.inverse(flat.transform(6))).isEqualTo(6);
        assertThatThrownBy(() -> new MinMaxScaler(2, 1)).hasMessageContaining("min <= max");
    }

    @Test
    void windowsSliceAHandMadeSeries() {
        Windows w = Windows.of(new double[] {1, 2, 3, 4, 5}, 3);
        assertThat(w.size()).isEqualTo(2);
        assertThat(w.inputs()[0]).containsExactly(1, 2, 3);
        assertThat(w.inputs()[1]).containsExactly(2, 3, 4);
        assertThat(w.targets()).containsExactly(4, 5);
        assertThat(Windows.of(new double[] {1, 2}, 3).size()).isZero();
        assertThatThrownBy(() -> Windows.of(new double[] {1}, 0)).hasMessage("window must be >= 1, got 0");
    }

    @Test
    void lastValueAndMovingAverage() {
        double[] h = {1, 2, 3, 10};
        assertThat(new LastValuePredictor().predict(h)).isEqualTo(10);
        assertThat(new LastValuePredictor().predict(h, 3)).containsExactly(10, 10, 10);
        MovingAveragePredictor ma = new MovingAveragePredictor(2);
        assertThat(ma.predict(h)).isEqualTo(6.5);
        // recursive: [3, 10] -> 6.5; [10, 6.5] -> 8.25; [6.5, 8.25] -> 7.375
        assertThat(ma.predict(h, 3)).containsExactly(6.5, 8.25, 7.375);
        assertThat(new MovingAveragePredictor(10).predict(h)).isEqualTo(4);
    }

    @Test
    void holtFollowsALinearTrendExactlyAndFitsOnIt() {
        double[] line = new double[30];
        for (int i = 0; i < line.length; i++) {
            line[i] = 5 + 2 * i;
        }
        HoltPredictor h = new HoltPredictor(0.5, 0.5);
        assertThat(h.predict(line, 3)).containsExactly(65, 67, 69);
        HoltPredictor fitted = HoltPredictor.fit(line);
        assertThat(fitted.predict(line)).isCloseTo(65, within(1e-9));
        // a decreasing line is clamped at 0
        assertThat(new HoltPredictor(1, 1).predict(new double[] {4, 2}, 3)).containsExactly(0, 0, 0);
    }

    @Test
    void holtFitBeatsLastValueOnANoisyTrend() {
        double[] x = new double[200];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = 50 + 0.5 * i + (r.nextDouble() - 0.5) * 20;
        }
        HoltPredictor fitted = HoltPredictor.fit(x);
        double holt = HoltPredictor.oneStepSse(x, fitted.alpha(), fitted.beta());
        double last = 0;
        for (int t = 1; t < x.length; t++) {
            last += (x[t] - x[t - 1]) * (x[t] - x[t - 1]);
        }
        assertThat(holt).isLessThan(last);
    }

    @Test
    void shortHistoriesFallBackAndSaySo() {
        Forecast f = new HoltPredictor(0.5, 0.1).forecast(new double[] {7}, 2);
        assertThat(f.isFallback()).isTrue();
        assertThat(f.values()).containsExactly(7, 7);
        assertThat(f.fallbackReason()).contains("needs 2 history points, got 1");
        Forecast empty = new MovingAveragePredictor(3).forecast(new double[0], 1);
        assertThat(empty.values()).containsExactly(0);
        assertThat(empty.fallbackReason()).contains("empty history");
    }

    @Test
    void badHistoryValuesAreRejectedWithIndexAndValue() {
        for (TrafficPredictor p : List.of(new LastValuePredictor(), new MovingAveragePredictor(3),
                new HoltPredictor(0.5, 0.5))) {
            assertThatThrownBy(() -> p.predict(new double[] {1, Double.NaN, 3}))
                    .hasMessage("history[1] is NaN (expected a finite number >= 0)");
            assertThatThrownBy(() -> p.predict(new double[] {1, 2, -3}))
                    .hasMessage("history[2] is -3.0 (expected a finite number >= 0)");
            assertThatThrownBy(() -> p.predict(new double[] {Double.POSITIVE_INFINITY}))
                    .hasMessage("history[0] is Infinity (expected a finite number >= 0)");
            assertThatThrownBy(() -> p.predict(new double[] {1}, 0)).hasMessage("k must be >= 1, got 0");
        }
    }

    /** A forecast holds loads only, and compares and prints by its values. */
    @Test
    void aForecastIsAValueOfLoads() {
        Forecast f = new Forecast(new double[] {1, 2.5}, "holt", null);
        assertThat(new Forecast(new double[] {1, 2.5}, "holt", null)).isEqualTo(f).hasSameHashCodeAs(f);
        assertThat(new Forecast(new double[] {1, 2.5}, "holt", "why")).isNotEqualTo(f);
        assertThat(f).hasToString("Forecast[values=[1.0, 2.5], method=holt, fallbackReason=null]");
        for (double bad : new double[] {-5, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new Forecast(new double[] {1, bad}, "m", null))
                    .hasMessage("forecast of m: value 1 is " + bad + " (expected a finite load >= 0)");
        }
        assertThatThrownBy(() -> new Forecast(new double[0], "m", null))
                .hasMessage("a forecast of m with no values (expected at least one)");
    }
}
