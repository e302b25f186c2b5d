// A diagnostic, not part of the build: how much of expected-2's return on a trace comes from its distribution being
// fitted on that same trace? EmpiricalTraffic's AR(1) fit keeps one residual per pair of consecutive rows, and at
// step t the residual of the pair (t, t + 1), applied to the current load (row t), gives exactly the true next load.
// When that residual is among the 64 drawn (about a third of the decisions for 199 residuals) one of the samples is
// the future. This program plays expected-2 (its defaults) with two re-implementations of the AR(1) draws: "all",
// every residual (it must reproduce expected-2's return exactly: the check of the re-implementation), and "loo",
// leaving out the current pair's residual (the same mean and autocorrelation, drawn from the others), and
// "control", leaving out another pair's (the pair 100 rows on, cyclically): the same change to the draws without
// removing the future, so that "loo" less "control" is the leak's worth, not the reshuffled draws'.
// usage: mvn -q -pl drl-train -am package -DskipTests
//        java -Dseed=S -cp drl-train/target/drl.jar docs/experiments/Leak.java TRACE...   (S: the draws' seed, default 0)
import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.baseline.*;
import dev.kdrl.env.metrics.EpisodeRunner;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.*;
import dev.kdrl.env.trace.*;
import java.nio.file.Path;

public class Leak {
    static final long SEED = Long.getLong("seed", 0L);
    static final class Ar1 implements TrafficDistribution {
        final double[] mean, rho; final double[][] res; final boolean loo; final int shift;
        Ar1(double[][] x, double[] mean, double[] rho, boolean loo, int shift) {
            this.mean = mean; this.rho = rho; this.loo = loo; this.shift = shift;
            res = new double[x.length - 1][mean.length];
            for (int t = 0; t + 1 < x.length; t++)
                for (int i = 0; i < mean.length; i++) res[t][i] = x[t + 1][i] - mean[i] - rho[i] * (x[t][i] - mean[i]);
        }
        public double[][] sample(QuotaState s, int max, Rng rng) {
            double[] u = s.traffic();
            int skip = loo && s.step() >= 1 && s.step() < res.length ? (s.step() + shift) % res.length : -1;
            int n = res.length - (skip >= 0 ? 1 : 0);
            int[] pick = new int[n];
            for (int k = 0, j = 0; k < res.length; k++) if (k != skip) pick[j++] = k;
            int m = Math.min(max, n);
            if (m < n) for (int k = 0; k < m; k++) { int j = k + rng.nextInt(n - k); int tmp = pick[k]; pick[k] = pick[j]; pick[j] = tmp; }
            double[][] out = new double[m][mean.length];
            for (int k = 0; k < m; k++) for (int i = 0; i < mean.length; i++)
                out[k][i] = Math.max(0, (double) Math.round(mean[i] + rho[i] * (u[i] - mean[i]) + res[pick[k]][i]));
            return out;
        }
    }

    public static void main(String[] a) {
        QuotaModel model = PaperProfile.model();
        double g = 0, e2 = 0, eAll = 0, eLoo = 0, eCtl = 0;
        for (String file : a) {
            Trace trace = TraceCsv.read(Path.of(file));
            EmpiricalTraffic ar1 = Baselines.trafficModel(model, trace, null);
            double[][] x = new double[trace.length()][model.numServices()];
            for (int i = 0; i < model.numServices(); i++) {
                int c = trace.columns().indexOf(model.serviceNames().get(i));
                for (int r = 0; r < trace.length(); r++) x[r][i] = trace.value(r, c);
            }
            QuotaEnv env = new QuotaEnv(model, trace);
            double rg = EpisodeRunner.run(env, ExpectedValuePolicy.of(env, ar1, new ExpectedValuePolicy.Settings(0, 1, 1, 0, 0)), 0L).metrics().episodeReturn();
            env = new QuotaEnv(model, trace);
            double r2 = EpisodeRunner.run(env, ExpectedValuePolicy.of(env, ar1, ExpectedValuePolicy.Settings.defaults().withSeed(SEED)), 0L).metrics().episodeReturn();
            env = new QuotaEnv(model, trace);
            double ra = EpisodeRunner.run(env, ExpectedValuePolicy.of(env, new Ar1(x, ar1.mean(), ar1.autocorrelation(), false, 0), ExpectedValuePolicy.Settings.defaults().withSeed(SEED)), 0L).metrics().episodeReturn();
            env = new QuotaEnv(model, trace);
            double rl = EpisodeRunner.run(env, ExpectedValuePolicy.of(env, new Ar1(x, ar1.mean(), ar1.autocorrelation(), true, 0), ExpectedValuePolicy.Settings.defaults().withSeed(SEED)), 0L).metrics().episodeReturn();
            env = new QuotaEnv(model, trace);
            double rc = EpisodeRunner.run(env, ExpectedValuePolicy.of(env, new Ar1(x, ar1.mean(), ar1.autocorrelation(), true, 100), ExpectedValuePolicy.Settings.defaults().withSeed(SEED)), 0L).metrics().episodeReturn();
            System.out.printf("%s greedy %.2f e2 %.2f e2-all %.2f e2-loo %.2f e2-control %.2f%n", file, rg, r2, ra, rl, rc);
            g += rg; e2 += r2; eAll += ra; eLoo += rl; eCtl += rc;
        }
        System.out.printf("TOTAL %% of greedy: e2 %.3f e2-all %.3f e2-loo %.3f e2-control %.3f%n", 100 * e2 / g, 100 * eAll / g, 100 * eLoo / g, 100 * eCtl / g);
    }
}
