package dev.kdrl.env.baseline;

import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OptimumProbeTest {
    @Test
    void probe() {
        for (String f : new String[] {"test-20", "train-200"}) {
            QuotaEnv env = PaperProfile.env(TraceCsv.read(Path.of("../datasets/paper/" + f + ".csv")));
            long t0 = System.nanoTime();
            OptimalPlanner.Plan plan = OptimalPlanner.solve(env);
            System.out.printf("%s optimum %.6f maxStates %d in %.2fs%n", f, plan.value(), plan.maxStates(), (System.nanoTime() - t0) / 1e9);
        }
    }
}
