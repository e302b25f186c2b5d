package dev.kdrl.env.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CautiousChoiceTest {

    // candidate 0 is the reference; 1 gains 1 on every sample; 2 gains 2 on average, but on one sample of four
    static final double[][] Q = {
        {10, 20, 30, 40},
        {11, 21, 31, 41},
        {10, 20, 30, 48},
    };

    @Test
    void aSteadyAdvantageBeatsALargerScatteredOne() {
        // candidate 2: advantages 0, 0, 0, 8: mean 2, squared deviations 4 + 4 + 4 + 36, sample variance 48 / 3,
        // standard error sqrt(16 / 4) = 2
        assertThat(CautiousChoice.choose(Q, 3, 4, 0.4)).as("2 - 0.4 * 2 = 1.2 > 1").isEqualTo(2);
        assertThat(CautiousChoice.choose(Q, 3, 4, 0.6)).as("2 - 0.6 * 2 = 0.8 < 1").isEqualTo(1);
        assertThat(CautiousChoice.choose(Q, 3, 4, 1e9)).as("a steady gain has no standard error").isEqualTo(1);
    }

    @Test
    void noPositiveBoundKeepsTheReference() {
        double[][] q = {{10, 20, 30, 40}, {9, 19, 29, 39}, {10, 20, 30, 48}};
        assertThat(CautiousChoice.choose(q, 3, 4, 1)).as("2 - 1 * 2 = 0 is not positive").isZero();
        assertThat(CautiousChoice.choose(q, 3, 4, 0.9)).isEqualTo(2);
        assertThat(CautiousChoice.choose(q, 2, 4, 0.9)).as("only the first two candidates count").isZero();
    }

    @Test
    void theStandardErrorIsTheSampleVariancesOverTheSamples() {
        // advantages 0 and 4: mean 2, sample variance (4 + 4) / 1 = 8, standard error sqrt(8 / 2) = 2; with the
        // population variance (8 / 2) it would be sqrt(2), and 2 - 1.2 * sqrt(2) > 0 would choose candidate 1
        double[][] q = {{1, 1}, {1, 5}};
        assertThat(CautiousChoice.choose(q, 2, 2, 1.2)).as("2 - 1.2 * 2 < 0").isZero();
        assertThat(CautiousChoice.choose(q, 2, 2, 0.9)).as("2 - 0.9 * 2 > 0").isEqualTo(1);
    }

    @Test
    void withFewerThanTwoSamplesTheReferenceStays() {
        assertThat(CautiousChoice.choose(Q, 3, 1, 0.5)).isZero();
        assertThat(CautiousChoice.choose(Q, 3, 0, 0.5)).isZero();
    }

    @Test
    void anotherReferenceIsKeptUnlessAnotherCandidateClearlyBeatsIt() {
        double[][] q = {{10, 10, 10, 10}, {11, 11, 11, 11}, {13, 11, 13, 11}, {14, 14, 14, 14}};
        // against candidate 1: candidate 2 gains 1 (standard error sqrt(1/3), 0.58), candidate 3 gains 3 (no scatter)
        assertThat(CautiousChoice.choose(q, 4, 4, 1, 1)).isEqualTo(3);
        assertThat(CautiousChoice.choose(q, 3, 4, 1.5, 1)).as("1 - 1.5 * 0.58 > 0").isEqualTo(2);
        assertThat(CautiousChoice.choose(q, 3, 4, 2, 1)).as("1 - 2 * 0.58 < 0").isEqualTo(1);
        assertThat(CautiousChoice.choose(q, 3, 1, 1, 2)).as("too few samples keep the reference").isEqualTo(2);
        // equal bounds go to the lower index, the reference skipped
        double[][] tie = {{12, 12}, {10, 10}, {12, 12}};
        assertThat(CautiousChoice.choose(tie, 3, 2, 1, 1)).isZero();
        assertThat(CautiousChoice.choose(q, 4, 4, 1, 0)).isEqualTo(CautiousChoice.choose(q, 4, 4, 1));
        assertThatThrownBy(() -> CautiousChoice.choose(q, 3, 4, 1, 3))
                .hasMessage("the reference must be one of the 3 candidates, got 3");
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> CautiousChoice.choose(Q, 3, 4, 0))
                .hasMessage("confidence must be a finite number > 0, got 0.0");
        assertThatThrownBy(() -> CautiousChoice.choose(Q, 4, 4, 1))
                .hasMessage("need 1 to 3 candidates and samples >= 0, got 4 and 4");
    }
}
