// A diagnostic, not part of the build (docs/benchmarks.md, "Where test-20's shortfall lies"): greedy, expected-2 and a
// saved model played side by side on one trace, as `drl evaluate` plays them (expected-2's and the model's draws from
// the played trace's AR(1) fit, or from HISTORY's; draws' seed 0), one line per decision: the load the decision is
// for, each policy's joint action (configuration index per service) and reward, and the running difference of
// expected-2's and the model's returns from greedy's. The policies' states part at their first different decision,
// so a line's difference is what the policy's own path earned there, not the price of that decision alone.
// usage: mvn -q -pl drl-train -am package -DskipTests
//        java -cp drl-train/target/drl.jar docs/experiments/StepByStep.java MODEL.zip TRACE [HISTORY]
import dev.kdrl.core.policy.PolicyFile;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.env.baseline.Baselines;
import dev.kdrl.env.baseline.ExpectedValuePolicy;
import dev.kdrl.env.baseline.TrafficDistribution;
import dev.kdrl.env.metrics.EpisodeRunner;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import dev.kdrl.env.value.SavedPolicies;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

public class StepByStep {
    public static void main(String[] a) throws Exception {
        SavedPolicy saved = PolicyFile.load(Path.of(a[0]));
        QuotaModel model = PaperProfile.model();
        Trace trace = TraceCsv.read(Path.of(a[1]));
        Trace history = a.length > 2 ? TraceCsv.read(Path.of(a[2])) : null;
        TrafficDistribution traffic = Baselines.trafficModel(model, trace, history);
        QuotaEnv ge = new QuotaEnv(model, trace);
        var greedy = EpisodeRunner.run(ge, ExpectedValuePolicy.of(ge, traffic, new ExpectedValuePolicy.Settings(0, 1, 1, 0, 0)), 0L);
        QuotaEnv ee = new QuotaEnv(model, trace);
        var e2 = EpisodeRunner.run(ee, ExpectedValuePolicy.of(ee, traffic, ExpectedValuePolicy.Settings.defaults()), 0L);
        QuotaEnv me = new QuotaEnv(model, trace, SavedPolicies.observation(saved));
        var acting = SavedPolicies.acting(saved, model, saved.env().profile(), me::state,
                new SavedPolicies.Future(traffic, me.episodeLength(), 0L));
        var mine = EpisodeRunner.run(me, acting, 0L);
        System.out.println("traffic " + traffic + "; services " + model.serviceNames());
        System.out.printf("%4s  %-16s  %-10s %8s  %-10s %8s  %-10s %8s  %9s %9s%n", "step", "load", "greedy", "reward",
                "expected-2", "reward", "model", "reward", "e2-greedy", "mod-greedy");
        double g = 0, e = 0, m = 0;
        for (int t = 0; t < greedy.steps().size(); t++) {
            List<EpisodeRunner.Step> s = List.of(greedy.steps().get(t), e2.steps().get(t), mine.steps().get(t));
            g += s.get(0).reward(); e += s.get(1).reward(); m += s.get(2).reward();
            double[] load = trace.select(model.serviceNames()).row(t + 1);
            System.out.printf("%4d  %-16s  %-10s %8.1f  %-10s %8.1f  %-10s %8.1f  %9.1f %9.1f%n", t,
                    Arrays.toString(Arrays.stream(load).mapToInt(x -> (int) x).toArray()),
                    Arrays.toString(s.get(0).action()), s.get(0).reward(), Arrays.toString(s.get(1).action()),
                    s.get(1).reward(), Arrays.toString(s.get(2).action()), s.get(2).reward(), e - g, m - g);
        }
        System.out.printf("returns: greedy %.2f, expected-2 %.2f, model %.2f%n", g, e, m);
    }
}
