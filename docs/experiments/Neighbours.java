// A diagnostic, not part of the build: would expected-2 gain from a traffic model conditioned on the current load
// beyond its AR(1) fit's linear pull to the mean? Here the next period's load for current load u is drawn from the
// next rows of the K pairs of consecutive rows of the played trace whose first row is nearest u (distance: the sum
// over services of |x_i - u_i| / sd_i): a nearest-neighbour conditional distribution, one-step statistics only, as
// the AR(1) fit's (the paper's row 0 is never observed and is left out). Every neighbour is a sample (no draw).
// Fitted on the whole played trace, the pair whose first row is the current load is its own nearest neighbour and
// its next row is the true next load: a leak of the future that the AR(1) fit has too, but with weight 1/199 where
// here it has 1/K. K given as past-K uses only the pairs already seen (the next row at most the current one), as the
// live agent would: no leak; loo-K uses every pair but the current one (r = t), as the AR(1) fit without its leak.
// Prints per trace greedy, expected-2 (its defaults), expected-2 (its defaults) with these draws, and expected-2 (its
// defaults) with its AR(1) fit refitted at each decision on the rows seen so far (e2-past, as the live agent).
// usage: mvn -q -pl drl-train -am package -DskipTests
//        java -cp drl-train/target/drl.jar docs/experiments/Neighbours.java K TRACE...
import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.baseline.*;
import dev.kdrl.env.metrics.EpisodeRunner;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.*;
import dev.kdrl.env.trace.*;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;

public class Neighbours {
    static final class Knn implements TrafficDistribution {
        final double[][] x; final double[] sd; final int k; final boolean past, loo;
        Knn(double[][] x, double[] sd, int k, boolean past, boolean loo) { this.x = x; this.sd = sd; this.k = k; this.past = past; this.loo = loo; }
        public double[][] sample(QuotaState s, int max, Rng rng) {
            double[] u = s.traffic();
            // pairs (r, r + 1), r = 1 .. n - 2; with past: only those already seen (r + 1 <= the current step)
            int pairs = past ? Math.max(0, s.step() - 1) : x.length - 2;
            if (pairs == 0) return new double[0][];
            int self = loo && s.step() >= 1 && s.step() <= pairs ? s.step() : -1;
            Integer[] t = new Integer[pairs - (self > 0 ? 1 : 0)];
            for (int i = 0, r = 1; r <= pairs; r++) if (r != self) t[i++] = r;
            double[] d = new double[x.length];
            for (int r = 1; r + 1 < x.length; r++) for (int i = 0; i < u.length; i++) d[r] += Math.abs(x[r][i] - u[i]) / Math.max(sd[i], 1e-9);
            Arrays.sort(t, Comparator.comparingDouble((Integer r) -> d[r]).thenComparingInt(r -> r));
            int m = Math.min(k, t.length);
            double[][] out = new double[m][];
            for (int j = 0; j < m; j++) out[j] = x[t[j] + 1].clone();
            return out;
        }
    }

    public static void main(String[] a) {
        boolean past = a[0].startsWith("past-"), loo = a[0].startsWith("loo-");
        int k = Integer.parseInt(a[0].substring(a[0].indexOf('-') + 1));
        QuotaModel model = PaperProfile.model();
        double g = 0, e2 = 0, en = 0, ep = 0;
        for (int f = 1; f < a.length; f++) {
            Trace trace = TraceCsv.read(Path.of(a[f]));
            EmpiricalTraffic ar1 = Baselines.trafficModel(model, trace, null);
            double[][] x = new double[trace.length()][model.numServices()];
            for (int i = 0; i < model.numServices(); i++) {
                int c = trace.columns().indexOf(model.serviceNames().get(i));
                for (int r = 0; r < trace.length(); r++) x[r][i] = trace.value(r, c);
            }
            QuotaEnv env = new QuotaEnv(model, trace);
            double rg = EpisodeRunner.run(env, ExpectedValuePolicy.of(env, ar1, new ExpectedValuePolicy.Settings(0, 1, 1, 0, 0)), 0L).metrics().episodeReturn();
            env = new QuotaEnv(model, trace);
            double r2 = EpisodeRunner.run(env, ExpectedValuePolicy.of(env, ar1, ExpectedValuePolicy.Settings.defaults()), 0L).metrics().episodeReturn();
            env = new QuotaEnv(model, trace);
            double rn = EpisodeRunner.run(env, ExpectedValuePolicy.of(env, new Knn(x, ar1.standardDeviation(), k, past, loo), ExpectedValuePolicy.Settings.defaults()), 0L).metrics().episodeReturn();
            // expected-2 with its AR(1) fit refitted at each decision on the rows seen so far (1..t), as the agent
            final double[][] xs = x;
            TrafficDistribution pastAr1 = (st, max, rng) -> st.step() < 2 ? new double[0][]
                    : EmpiricalTraffic.fit(Arrays.copyOfRange(xs, 1, st.step() + 1), xs[0].length, EmpiricalTraffic.Kind.AR1, "past").sample(st, max, rng);
            env = new QuotaEnv(model, trace);
            double rp = EpisodeRunner.run(env, ExpectedValuePolicy.of(env, pastAr1, ExpectedValuePolicy.Settings.defaults()), 0L).metrics().episodeReturn();
            System.out.printf("%s greedy %.2f e2 %.2f e2-neighbours %.2f e2-past %.2f%n", a[f], rg, r2, rn, rp);
            g += rg; e2 += r2; en += rn; ep += rp;
        }
        System.out.printf("TOTAL %% of greedy: e2 %.3f e2-neighbours(%s) %.3f e2-past %.3f%n", 100 * e2 / g, a[0], 100 * en / g, 100 * ep / g);
    }
}
