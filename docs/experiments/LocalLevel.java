// A diagnostic, not part of the build: would expected-2 gain from a traffic model that knows the load's recent level?
// expected-2 draws the next period's load from an AR(1) fit around the played trace's mean (EmpiricalTraffic). Here
// the mean is replaced by a local level, the mean of the last W loads the controller has seen (the current one
// included): a sample for current load u at step t is  L_t + rho (u - L_t) + e,  where rho is the AR(1) fit's and the
// residuals e are refitted around the local level over the trace's consecutive pairs (one-step statistics, as the
// AR(1) fit's; the paper's row 0 is never observed and is left out). At the first decision, no sample (greedy's
// decision). Prints per trace greedy, expected-2 (its defaults) and expected-2 (its defaults) with the local level.
// usage: mvn -q -pl drl-train -am package -DskipTests
//        java -cp drl-train/target/drl.jar docs/experiments/LocalLevel.java W TRACE...
import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.baseline.*;
import dev.kdrl.env.metrics.EpisodeRunner;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.*;
import dev.kdrl.env.trace.*;
import java.nio.file.Path;
import java.util.Arrays;

public class LocalLevel {
    static final class Local implements TrafficDistribution {
        final double[][] x; // per row, per service (model order)
        final double[] rho; final int w; final double[][] res;
        Local(double[][] x, double[] rho, int w) {
            this.x = x; this.rho = rho; this.w = w;
            // the paper's row 0 is never observed (its first load is fixed): pairs of rows 1..n-1
            res = new double[x.length - 2][rho.length];
            for (int t = 1; t + 1 < x.length; t++) {
                double[] l = level(t);
                for (int i = 0; i < rho.length; i++) res[t - 1][i] = x[t + 1][i] - l[i] - rho[i] * (x[t][i] - l[i]);
            }
        }
        double[] level(int t) {
            double[] l = new double[rho.length]; int from = Math.max(1, t - w + 1);
            for (int r = from; r <= t; r++) for (int i = 0; i < l.length; i++) l[i] += x[r][i];
            for (int i = 0; i < l.length; i++) l[i] /= (t - from + 1);
            return l;
        }
        public double[][] sample(QuotaState s, int max, Rng rng) {
            int t = s.step();
            if (t == 0) return new double[0][]; // the fixed first load: no history yet (expected-2 then decides as greedy)
            if (!Arrays.equals(s.traffic(), x[t])) throw new IllegalStateException("step " + t + ": state load " + Arrays.toString(s.traffic()) + " is not row " + t + "'s " + Arrays.toString(x[t]));
            double[] l = level(t); double[] u = s.traffic();
            int m = Math.min(max, res.length); int[] pick = new int[res.length];
            for (int k = 0; k < pick.length; k++) pick[k] = k;
            if (m < res.length) for (int k = 0; k < m; k++) { int j = k + rng.nextInt(pick.length - k); int tmp = pick[k]; pick[k] = pick[j]; pick[j] = tmp; }
            double[][] out = new double[m][rho.length];
            for (int k = 0; k < m; k++) for (int i = 0; i < rho.length; i++)
                out[k][i] = Math.max(0, (double) Math.round(l[i] + rho[i] * (u[i] - l[i]) + res[pick[k]][i]));
            return out;
        }
    }

    public static void main(String[] a) {
        int w = Integer.parseInt(a[0]);
        QuotaModel model = PaperProfile.model();
        double g = 0, e2 = 0, el = 0;
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
            double rl = EpisodeRunner.run(env, ExpectedValuePolicy.of(env, new Local(x, ar1.autocorrelation(), w), ExpectedValuePolicy.Settings.defaults()), 0L).metrics().episodeReturn();
            System.out.printf("%s greedy %.2f e2 %.2f e2-local %.2f%n", a[f], rg, r2, rl);
            g += rg; e2 += r2; el += rl;
        }
        System.out.printf("TOTAL %% of greedy: e2 %.3f e2-local(W=%d) %.3f%n", 100 * e2 / g, w, 100 * el / g);
    }
}
