// Diagnostics, not part of the build (docs/benchmarks.md, the four sections after "A third step"): expected-2 with
// its defaults, its next-period loads drawn otherwise than from EmpiricalTraffic's AR(1) fit of the played trace.
// Every mode prints per trace greedy, expected-2 and each variant's return, then the totals as % of greedy's.
//
//   level W        draws around the load's recent level: L + rho (u - L) + e, where L is the mean of the last W loads
//                  the controller has seen (the current one included), rho the AR(1) fit's and the residuals e
//                  refitted around that level over the trace's consecutive pairs. At the first decision, no sample.
//   neighbours K   the next rows of the K pairs of consecutive rows whose first row is nearest the current load u
//                  (distance: the sum over services of |x_i - u_i| / sd_i); every neighbour is a sample (no draw).
//                  Fitted on the whole trace, the pair whose first row is the current load is its own nearest
//                  neighbour and its next row is the true next load (a leak, weight 1/K). past-K: only the pairs
//                  already seen (no leak, as the live agent); loo-K: every pair but the current one. Also plays
//                  e2-past: the AR(1) fit refitted at each decision on the rows seen so far.
//   leak           the AR(1) draws re-implemented: e2-all, every residual (must reproduce expected-2 to the cent: the
//                  check); e2-loo, without the current pair's residual (which, applied to the current load, gives
//                  the true next load); e2-control, without another pair's (100 rows on), which changes the draws as
//                  much without removing the future.
//   forecast K     draws around a point forecast of the next load, with that forecast's own residuals over the trace
//                  (as expected-2's AR(1) draws are): e2-ar(K), per service a least-squares AR(K) fit on the whole trace
//                  (K = 1 is expected-2's model refitted this way; a larger K fits more of the trace's own future, a
//                  generous ceiling for any forecaster of its recent loads); e2-smooth(K), the mean of the K rows before
//                  and the K rows after the next one (it sees the future: the level any forecaster could at best know).
//                  Also prints each forecast's one-step RMSE per set of traces (the file name without its -NN).
//
// The paper's row 0 is never observed (its first load is fixed) and is left out of the fits this program makes.
// usage: mvn -q -pl drl-train -am package -DskipTests
//        java [-Dseed=S] -cp drl-train/target/drl.jar docs/experiments/TrafficDraws.java MODE [PARAM] TRACE...
//        (S: the draws' seed of expected-2 and of every variant, default 0)
import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.baseline.Baselines;
import dev.kdrl.env.baseline.EmpiricalTraffic;
import dev.kdrl.env.baseline.ExpectedValuePolicy;
import dev.kdrl.env.baseline.TrafficDistribution;
import dev.kdrl.env.metrics.EpisodeRunner;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

public class TrafficDraws {
    static final ExpectedValuePolicy.Settings E2 = ExpectedValuePolicy.Settings.defaults().withSeed(Long.getLong("seed", 0L));

    /** m distinct indices of pick drawn as EmpiricalTraffic draws them (a partial Fisher-Yates shuffle), in place. */
    static int draw(int[] pick, int max, Rng rng) {
        int m = Math.min(max, pick.length);
        if (m < pick.length) for (int k = 0; k < m; k++) { int j = k + rng.nextInt(pick.length - k); int tmp = pick[k]; pick[k] = pick[j]; pick[j] = tmp; }
        return m;
    }

    /** Up to max draws centre + e (rounded, at least 0), e drawn from the residuals res without index skip (-1: none). */
    static double[][] drawAround(double[] centre, double[][] res, int skip, int max, Rng rng) {
        int[] pick = new int[res.length - (skip >= 0 ? 1 : 0)];
        for (int k = 0, j = 0; k < res.length; k++) if (k != skip) pick[j++] = k;
        int m = draw(pick, max, rng);
        double[][] out = new double[m][centre.length];
        for (int k = 0; k < m; k++) for (int i = 0; i < centre.length; i++)
            out[k][i] = Math.max(0, (double) Math.round(centre[i] + res[pick[k]][i]));
        return out;
    }

    /** Around the mean of the last w loads seen. */
    static TrafficDistribution level(double[][] x, double[] rho, int w) {
        double[][] res = new double[x.length - 2][rho.length];
        for (int t = 1; t + 1 < x.length; t++) {
            double[] l = mean(x, Math.max(1, t - w + 1), t);
            for (int i = 0; i < rho.length; i++) res[t - 1][i] = x[t + 1][i] - l[i] - rho[i] * (x[t][i] - l[i]);
        }
        return (s, max, rng) -> {
            int t = s.step();
            if (t == 0) return new double[0][];
            double[] u = s.traffic();
            if (!Arrays.equals(u, x[t])) throw new IllegalStateException("step " + t + ": load " + Arrays.toString(u) + " is not row " + t + "'s");
            double[] l = mean(x, Math.max(1, t - w + 1), t);
            double[] centre = new double[rho.length];
            for (int i = 0; i < rho.length; i++) centre[i] = l[i] + rho[i] * (u[i] - l[i]);
            return drawAround(centre, res, -1, max, rng);
        };
    }

    static double[] mean(double[][] x, int from, int to) {
        double[] l = new double[x[0].length];
        for (int r = from; r <= to; r++) for (int i = 0; i < l.length; i++) l[i] += x[r][i];
        for (int i = 0; i < l.length; i++) l[i] /= (to - from + 1);
        return l;
    }

    /** The next rows of the k nearest pairs (of those already seen when past; all but the current one when loo). */
    static TrafficDistribution neighbours(double[][] x, double[] sd, int k, boolean past, boolean loo) {
        return (s, max, rng) -> {
            double[] u = s.traffic();
            int pairs = past ? Math.max(0, s.step() - 1) : x.length - 2; // pairs (r, r + 1), r = 1 .. pairs
            if (pairs == 0) return new double[0][];
            int self = loo && s.step() >= 1 && s.step() <= pairs ? s.step() : -1;
            Integer[] t = new Integer[pairs - (self > 0 ? 1 : 0)];
            for (int i = 0, r = 1; r <= pairs; r++) if (r != self) t[i++] = r;
            double[] d = new double[x.length];
            for (int r = 1; r + 1 < x.length; r++) for (int i = 0; i < u.length; i++) d[r] += Math.abs(x[r][i] - u[i]) / Math.max(sd[i], 1e-9);
            Arrays.sort(t, Comparator.comparingDouble((Integer r) -> d[r]).thenComparingInt(r -> r));
            double[][] out = new double[Math.min(k, t.length)][];
            for (int j = 0; j < out.length; j++) out[j] = x[t[j] + 1].clone();
            return out;
        };
    }

    /** The AR(1) draws over every pair of rows, without the pair (t + shift) mod n at step t when leaveOut. */
    static TrafficDistribution ar1(double[][] x, double[] mean, double[] rho, boolean leaveOut, int shift) {
        double[][] res = new double[x.length - 1][mean.length];
        for (int t = 0; t + 1 < x.length; t++)
            for (int i = 0; i < mean.length; i++) res[t][i] = x[t + 1][i] - mean[i] - rho[i] * (x[t][i] - mean[i]);
        return (s, max, rng) -> {
            double[] u = s.traffic();
            int skip = leaveOut && s.step() >= 1 && s.step() < res.length ? (s.step() + shift) % res.length : -1;
            double[] centre = new double[mean.length];
            for (int i = 0; i < mean.length; i++) centre[i] = mean[i] + rho[i] * (u[i] - mean[i]);
            return drawAround(centre, res, skip, max, rng);
        };
    }

    /** Draws pred[t] + e, e over the residuals x[r + 1] - pred[r] (r = 1 .. n - 2); pred[t] forecasts row t + 1. */
    static TrafficDistribution around(double[][] x, double[][] pred) {
        double[][] res = new double[x.length - 2][];
        for (int r = 1; r + 1 < x.length; r++) {
            res[r - 1] = new double[x[0].length];
            for (int i = 0; i < x[0].length; i++) res[r - 1][i] = x[r + 1][i] - pred[r][i];
        }
        return (s, max, rng) -> {
            int t = s.step();
            if (t < 1 || t + 1 >= x.length) return new double[0][];
            if (!Arrays.equals(s.traffic(), x[t])) throw new IllegalStateException("step " + t + ": load " + Arrays.toString(s.traffic()) + " is not row " + t + "'s");
            return drawAround(pred[t], res, -1, max, rng);
        };
    }

    /** pred[t][i]: a least-squares AR(k) forecast of x[t + 1][i] from x[t], x[t - 1], ... (rows before 1: the mean). */
    static double[][] arForecast(double[][] x, int k) {
        int n = x.length, s = x[0].length;
        double[][] pred = new double[n][s];
        for (int i = 0; i < s; i++) {
            double mean = 0;
            for (int r = 1; r < n; r++) mean += x[r][i];
            mean /= n - 1;
            double[][] a = new double[n][k + 1];
            for (int r = 1; r < n; r++) { a[r][0] = 1; for (int l = 0; l < k; l++) a[r][l + 1] = r - l >= 1 ? x[r - l][i] : mean; }
            double[][] ata = new double[k + 1][k + 2];
            for (int r = 1; r + 1 < n; r++)
                for (int p = 0; p <= k; p++) { for (int q = 0; q <= k; q++) ata[p][q] += a[r][p] * a[r][q]; ata[p][k + 1] += a[r][p] * x[r + 1][i]; }
            double[] c = solve(ata);
            for (int r = 1; r < n; r++) { double v = 0; for (int p = 0; p <= k; p++) v += c[p] * a[r][p]; pred[r][i] = v; }
        }
        return pred;
    }

    /** Gaussian elimination with partial pivoting of an augmented square system. */
    static double[] solve(double[][] m) {
        int n = m.length;
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
            double[] tmp = m[c]; m[c] = m[p]; m[p] = tmp;
            for (int r = c + 1; r < n; r++) { double f = m[r][c] / m[c][c]; for (int q = c; q <= n; q++) m[r][q] -= f * m[c][q]; }
        }
        double[] v = new double[n];
        for (int r = n - 1; r >= 0; r--) { double acc = m[r][n]; for (int q = r + 1; q < n; q++) acc -= m[r][q] * v[q]; v[r] = acc / m[r][r]; }
        return v;
    }

    /** pred[t]: the mean of rows t + 1 - k .. t and t + 2 .. t + 1 + k that exist (row 0 left out). */
    static double[][] smoothForecast(double[][] x, int k) {
        double[][] pred = new double[x.length][x[0].length];
        for (int t = 1; t + 1 < x.length; t++) {
            int c = 0;
            for (int r = Math.max(1, t + 1 - k); r <= Math.min(x.length - 1, t + 1 + k); r++) {
                if (r == t + 1) continue;
                c++;
                for (int i = 0; i < x[0].length; i++) pred[t][i] += x[r][i];
            }
            for (int i = 0; i < x[0].length; i++) pred[t][i] /= c;
        }
        return pred;
    }

    static double play(QuotaModel model, Trace trace, TrafficDistribution traffic, ExpectedValuePolicy.Settings settings) {
        QuotaEnv env = new QuotaEnv(model, trace);
        return EpisodeRunner.run(env, ExpectedValuePolicy.of(env, traffic, settings), 0L).metrics().episodeReturn();
    }

    public static void main(String[] a) {
        String mode = a[0];
        String param = mode.equals("leak") ? "" : a[1];
        int first = mode.equals("leak") ? 1 : 2;
        QuotaModel model = PaperProfile.model();
        Map<String, Double> total = new LinkedHashMap<>();
        Map<String, double[]> squaredErrors = new LinkedHashMap<>(); // "set forecast" -> {sum of squares, count}
        for (int f = first; f < a.length; f++) {
            Trace trace = TraceCsv.read(Path.of(a[f]));
            EmpiricalTraffic fit = Baselines.trafficModel(model, trace, null);
            double[][] x = new double[trace.length()][model.numServices()];
            for (int i = 0; i < model.numServices(); i++) {
                int c = trace.columns().indexOf(model.serviceNames().get(i));
                for (int r = 0; r < trace.length(); r++) x[r][i] = trace.value(r, c);
            }
            Map<String, TrafficDistribution> variants = new LinkedHashMap<>();
            switch (mode) {
                case "level" -> variants.put("e2-local(W=" + param + ")", level(x, fit.autocorrelation(), Integer.parseInt(param)));
                case "neighbours" -> {
                    boolean past = param.startsWith("past-"), loo = param.startsWith("loo-");
                    int k = Integer.parseInt(param.substring(param.indexOf('-') + 1));
                    variants.put("e2-neighbours(" + param + ")", neighbours(x, fit.standardDeviation(), k, past, loo));
                    variants.put("e2-past", (s, max, rng) -> s.step() < 2 ? new double[0][]
                            : EmpiricalTraffic.fit(Arrays.copyOfRange(x, 1, s.step() + 1), x[0].length, EmpiricalTraffic.Kind.AR1, "past").sample(s, max, rng));
                }
                case "leak" -> {
                    variants.put("e2-all", ar1(x, fit.mean(), fit.autocorrelation(), false, 0));
                    variants.put("e2-loo", ar1(x, fit.mean(), fit.autocorrelation(), true, 0));
                    variants.put("e2-control", ar1(x, fit.mean(), fit.autocorrelation(), true, 100));
                }
                case "forecast" -> {
                    int k = Integer.parseInt(param);
                    Map<String, double[][]> forecasts = new LinkedHashMap<>();
                    forecasts.put("ar(1)", arForecast(x, 1));
                    forecasts.put("ar(" + k + ")", arForecast(x, k));
                    forecasts.put("smooth(" + k + ")", smoothForecast(x, k));
                    String set = Path.of(a[f]).getFileName().toString().replaceAll("(-[0-9]+)?\\.csv$", "");
                    forecasts.forEach((name, pred) -> {
                        variants.put("e2-" + name, around(x, pred));
                        double[] acc = squaredErrors.computeIfAbsent(set + " " + name, n -> new double[2]);
                        for (int t = 1; t + 1 < x.length; t++)
                            for (int i = 0; i < x[0].length; i++) { double e = x[t + 1][i] - pred[t][i]; acc[0] += e * e; acc[1]++; }
                    });
                }
                default -> throw new IllegalArgumentException("mode '" + mode + "' is unknown (expected level, neighbours, leak or forecast)");
            }
            Map<String, Double> r = new LinkedHashMap<>();
            r.put("greedy", play(model, trace, fit, new ExpectedValuePolicy.Settings(0, 1, 1, 0, 0)));
            r.put("e2", play(model, trace, fit, E2));
            variants.forEach((name, d) -> r.put(name, play(model, trace, d, E2)));
            StringBuilder line = new StringBuilder(a[f]);
            r.forEach((name, v) -> { line.append(String.format(" %s %.2f", name, v)); total.merge(name, v, Double::sum); });
            System.out.println(line);
        }
        StringBuilder line = new StringBuilder("TOTAL % of greedy:");
        total.forEach((name, v) -> { if (!name.equals("greedy")) line.append(String.format(" %s %.3f", name, 100 * v / total.get("greedy"))); });
        System.out.println(line);
        squaredErrors.forEach((name, acc) -> System.out.printf("RMSE of the one-step forecast, %s: %.2f%n", name, Math.sqrt(acc[0] / acc[1])));
    }
}
