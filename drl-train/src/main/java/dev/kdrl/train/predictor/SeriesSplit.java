package dev.kdrl.train.predictor;

/**
 * The chronological split of one series: training part, validation part (for early stopping), test
 * tail (for evaluation only). Never shuffled across the split.
 *
 * <pre>
 * [0, trainEnd)        training: the scaler and Holt's weights are fitted here, training windows' targets
 * [trainEnd, fitEnd)   validation: early stopping; windows' targets only (inputs may reach back)
 * [fitEnd, length)     test tail: one-step forecasts from the true history
 * </pre>
 */
public record SeriesSplit(int length, int trainEnd, int fitEnd) {

    /**
     * @param testFraction share of the series in the test tail, in [0, 1)
     * @param valFraction  share of the rest in the validation part, in (0, 1)
     * @param window       input window: the training part must hold more than one window
     */
    public static SeriesSplit of(int length, double testFraction, double valFraction, int window) {
        if (!(testFraction >= 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in [0, 1), got " + testFraction);
        }
        if (!(valFraction > 0 && valFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + valFraction);
        }
        int fitEnd = length - (int) Math.floor(length * testFraction);
        int trainEnd = fitEnd - (int) Math.max(1, Math.floor(fitEnd * valFraction));
        if (trainEnd <= window + 1) {
            throw new IllegalArgumentException("a series of " + length + " values leaves " + trainEnd
                    + " for training: too few for a window of " + window);
        }
        return new SeriesSplit(length, trainEnd, fitEnd);
    }

    public int testSize() {
        return length - fitEnd;
    }
}
