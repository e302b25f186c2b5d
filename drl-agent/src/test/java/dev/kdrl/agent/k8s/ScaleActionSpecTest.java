package dev.kdrl.agent.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.quota.Transition;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScaleActionSpecTest {

    @Test
    void rendersTheOperatorsFieldsFromTheSharedDecision() {
        QuotaModel m = PaperProfile.model();
        QuotaState s = m.initialState(new double[] {0, 0, 0});
        // house (3.5 cores, 20) at 34 users -> ceil(34/20/0.7) = 3 pods; senti (4, 10) at 28 -> 4; numbr (2, 15) at 16 -> 2
        Transition t = m.decide(s, new int[] {12, 4, 5});
        Map<String, String> spec = ScaleActionSpec.render(m, t);
        assertThat(spec).containsExactly(
                Map.entry("servicehouse_resource", "3500m"),
                Map.entry("servicehouse_concurrency", "20"),
                Map.entry("servicehouse_podcount", "3"),
                Map.entry("servicesenti_resource", "4000m"),
                Map.entry("servicesenti_concurrency", "10"),
                Map.entry("servicesenti_podcount", "4"),
                Map.entry("servicenumbr_resource", "2000m"),
                Map.entry("servicenumbr_concurrency", "15"),
                Map.entry("servicenumbr_podcount", "2"));
    }

    @Test
    void millicoresAreExact() {
        assertThat(ScaleActionSpec.millicores(0.5)).isEqualTo("500m");
        assertThat(ScaleActionSpec.millicores(1.25)).isEqualTo("1250m");
        assertThat(ScaleActionSpec.millicores(4)).isEqualTo("4000m");
        assertThatThrownBy(() -> ScaleActionSpec.millicores(0.0005)).hasMessageContaining("millicores");
    }
}
