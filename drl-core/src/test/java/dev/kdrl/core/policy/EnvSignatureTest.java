package dev.kdrl.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnvSignatureTest {

    static EnvSignature with(List<String> names, int[] nvec, int obs, String profile, List<String> tables,
            double quota) {
        return new EnvSignature(names, nvec, obs, profile, tables, quota);
    }

    @Test
    void sameSignaturesHaveNoDifferences() {
        EnvSignature paper = TestNets.paper();
        assertThat(paper.differences(TestNets.paper())).isEmpty();
        assertThat(paper).isEqualTo(TestNets.paper()).hasSameHashCodeAs(TestNets.paper());
        assertThatCode(() -> paper.requireSame(TestNets.paper())).doesNotThrowAnyException();
        assertThat(paper.totalActions()).isEqualTo(37);
        assertThat(paper.actionTables().get(1)).isEqualTo("(2.0, 10.0, 1500.0) (2.0, 15.0, 2200.0) "
                + "(3.0, 10.0, 1000.0) (3.0, 15.0, 1500.0) (4.0, 10.0, 800.0) (4.0, 15.0, 1300.0) (4.0, 20.0, 2000.0)");
    }

    @Test
    void differencesAreHumanReadable() {
        EnvSignature paper = TestNets.paper();
        EnvSignature twoServices = with(List.of("a", "b"), new int[] {22, 7}, 6, "paper", List.of(), 40);
        assertThat(paper.differences(twoServices)).containsExactly(
                "service names [house, senti, numbr] vs [a, b]",
                "nvec [22, 7, 8] vs [22, 7]",
                "observation size 9 vs 6");

        double[][] senti = TestNets.SENTI.clone();
        senti[6] = new double[] {4, 20, 2100};
        EnvSignature other = with(paper.serviceNames(), new int[] {22, 7, 9}, 9, "custom",
                List.of(paper.actionTables().get(0), EnvSignature.actionTableLine(senti),
                        paper.actionTables().get(2)), 60);
        assertThat(paper.differences(other)).containsExactly(
                "nvec [22, 7, 8] vs [22, 7, 9]",
                "profile paper vs custom",
                "quota 40.0 vs 60.0",
                "action table of senti differs: " + paper.actionTables().get(1) + " vs "
                        + EnvSignature.actionTableLine(senti));
    }

    @Test
    void actionTablesAreComparedByServiceNameAndOnlyWhenBothAreRecorded() {
        EnvSignature paper = TestNets.paper();
        EnvSignature unrecorded = with(paper.serviceNames(), paper.nvec(), 9, "paper", List.of(), 40);
        assertThat(paper.differences(unrecorded)).isEmpty();
        EnvSignature reordered = with(List.of("senti", "house", "numbr"), new int[] {7, 22, 8}, 9, "paper",
                List.of(paper.actionTables().get(1), paper.actionTables().get(0), paper.actionTables().get(2)), 40);
        assertThat(paper.differences(reordered)).containsExactly(
                "service names [house, senti, numbr] vs [senti, house, numbr]",
                "nvec [22, 7, 8] vs [7, 22, 8]");
    }

    @Test
    void requireSameJoinsTheDifferences() {
        EnvSignature other = with(List.of("house", "senti", "numbr"), new int[] {22, 7, 8}, 9, "paper",
                List.of(), 60);
        assertThatThrownBy(() -> TestNets.paper().requireSame(with(List.of("a", "b"), new int[] {22, 7}, 9,
                "paper", List.of(), 60)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the policy was trained for a different environment (the policy's, then this one's): service names [house, senti, "
                        + "numbr] vs [a, b]; nvec [22, 7, 8] vs [22, 7]; quota 40.0 vs 60.0");
        assertThatThrownBy(() -> TestNets.paper().requireSame(other))
                .hasMessage("the policy was trained for a different environment (the policy's, then this one's): quota 40.0 vs 60.0");
    }

    @Test
    void validatesFields() {
        assertThatThrownBy(() -> with(List.of("a", "b"), new int[] {3}, 6, "p", List.of(), 1))
                .hasMessage("nvec [3] has 1 components, there are 2 services [a, b]");
        assertThatThrownBy(() -> with(List.of("a,b"), new int[] {3}, 3, "p", List.of(), 1))
                .hasMessage("service name 'a,b' must be non-blank, without commas or surrounding spaces");
        assertThatThrownBy(() -> with(List.of("a"), new int[] {3}, 3, "p", List.of("x", "y"), 1))
                .hasMessage("actionTables must be empty or have one line per service (1), got 2");
        assertThatThrownBy(() -> with(List.of("a"), new int[] {3}, 3, "p", List.of(), 0))
                .hasMessage("quota must be a finite number > 0, got 0.0");
        assertThatThrownBy(() -> with(List.of("a"), new int[] {3}, 3, " ", List.of(), 1))
                .hasMessage("profile must not be blank, got ' '");
        int[] nvec = {3};
        EnvSignature s = with(List.of("a"), nvec, 3, "p", List.of(), 1);
        nvec[0] = 4;
        s.nvec()[0] = 5;
        assertThat(s.nvec()).containsExactly(3);
    }

    @Test
    void serviceSettingsAreComparedByServiceNameAndOnlyWhenBothAreRecorded() {
        EnvSignature paper = TestNets.paper();
        List<String> settings = List.of("sloMs=1500.0", "sloMs=2200.0", "sloMs=800.0");
        EnvSignature recorded = withSettings(paper, settings);
        assertThat(recorded.differences(paper)).isEmpty(); // not recorded on one side: not compared
        assertThat(paper.differences(recorded)).isEmpty();
        assertThat(recorded).isNotEqualTo(paper);
        EnvSignature otherSlo = withSettings(paper, List.of("sloMs=1500.0", "sloMs=3000.0", "sloMs=800.0"));
        assertThat(recorded.differences(otherSlo)).containsExactly("settings of senti differ: sloMs=2200.0 vs "
                + "sloMs=3000.0");
        assertThatThrownBy(() -> recorded.requireSame(otherSlo)).hasMessage("the policy was trained for a different "
                + "environment (the policy's, then this one's): settings of senti differ: sloMs=2200.0 vs sloMs=3000.0");
        assertThat(recorded.differences(withSettings(paper, settings))).isEmpty();
        assertThat(recorded).isEqualTo(withSettings(paper, settings)).hasSameHashCodeAs(withSettings(paper, settings));
        assertThatThrownBy(() -> withSettings(paper, List.of("sloMs=1")))
                .hasMessage("serviceSettings must be empty or have one line per service (3), got 1");
        assertThatThrownBy(() -> withSettings(paper, List.of("a", "b\nc", "d")))
                .hasMessage("a serviceSettings line must be one non-blank line, got 'b\nc'");
    }

    private static EnvSignature withSettings(EnvSignature s, List<String> settings) {
        return new EnvSignature(s.serviceNames(), s.nvec(), s.observationSize(), s.profile(), s.actionTables(),
                s.quota(), s.observation(), settings);
    }
}
