package dev.kdrl.train.predictor;

/**
 * Forecast error measures over paired actual and predicted values.
 *
 * @param mae   mean absolute error
 * @param rmse  root mean squared error
 * @param smape symmetric mean absolute percentage error in percent: mean of {@code 200 |y - f| / (|y| + |f|)},
 *              a pair with {@code y = f = 0} counting 0
 */
public record ForecastErrors(double mae, double rmse, double smape) {

    public static ForecastErrors of(double[] actual, double[] predicted) {
        if (actual.length != predicted.length || actual.length == 0) {
            throw new IllegalArgumentException("need equally many (> 0) actual and predicted values, got "
                    + actual.length + " and " + predicted.length);
        }
        double abs = 0;
        double sq = 0;
        double sm = 0;
        for (int i = 0; i < actual.length; i++) {
            double e = actual[i] - predicted[i];
            abs += Math.abs(e);
            sq += e * e;
            double denom = Math.abs(actual[i]) + Math.abs(predicted[i]);
            sm += denom == 0 ? 0 : 200 * Math.abs(e) / denom;
        }
        int n = actual.length;
        return new ForecastErrors(abs / n, Math.sqrt(sq / n), sm / n);
    }
}
