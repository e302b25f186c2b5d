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
        int fitEnd = fitEnd(length, testFraction);
        int trainEnd = trainEnd(length, testFraction, valFraction);
        if (trainEnd <= window + 1L) {
            throw new IllegalArgumentException("a series of " + length + " values leaves " + trainEnd
                    + " for training: too few for a window of " + window);
        }
        return new SeriesSplit(length, trainEnd, fitEnd);
    }

    /** The end of the training and validation parts of a series of {@code length} values: the test tail's start. */
    public static int fitEnd(int length, double testFraction) {
        return length - (int) Math.floor(length * testFraction);
    }

    /** The end of the training part of a series of {@code length} values (unchecked: may be too short, or negative). */
    public static int trainEnd(int length, double testFraction, double valFraction) {
        int fitEnd = fitEnd(length, testFraction);
        return fitEnd - (int) Math.max(1, Math.floor(fitEnd * valFraction));
    }

    /**
     * The fewest values a series needs for {@link #of} to accept it with these fractions and {@code window}, leaving a
     * test tail of at least one value when {@code testTail}; -1 when no length up to ten million does.
     */
    public static int minLength(double testFraction, double valFraction, int window, boolean testTail) {
        for (long n = Math.max(1, window + 2L); n <= 10_000_000; n++) {
            if (trainEnd((int) n, testFraction, valFraction) > window + 1L
                    && (!testTail || fitEnd((int) n, testFraction) < n)) {
                return (int) n;
            }
        }
        return -1;
    }

    public int testSize() {
        return length - fitEnd;
    }
}
