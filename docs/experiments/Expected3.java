// A diagnostic, not part of the build (docs/benchmarks.md, "A third step"): does a planner that does not see the
// future gain by looking one step further than expected-2? expected-3 takes, of the C1 best first decisions by
// immediate reward, the one maximising r(a1) + mean over S1 draws u' of max over the C2 best a2 (by immediate
// reward) of [ r(a2) + mean over S2 draws u'' of max_a3 r(a3) ], every draw from the played trace's AR(1) fit
// (as expected-2's; the first level's draws are expected-2's own). No caution (confidence 0) unless conf=K is given:
// then the first decision is chosen as expected-2's with confidence K (CautiousChoice against the best immediate
// reward, over the S1 draws' per-draw scores). Prints per trace greedy, expected-2 with the same C1 and S1 and
// confidence 0, expected-2 with its defaults, and expected-3.
// usage: mvn -q -pl drl-train -am package -DskipTests
//        java -cp drl-train/target/drl.jar docs/experiments/Expected3.java C1 S1 C2 S2 [conf=K] TRACE...
import dev.kdrl.core.policy.Policy;
import dev.kdrl.core.rng.Rng;
import dev.kdrl.env.baseline.*;
import dev.kdrl.env.metrics.EpisodeRunner;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.*;
import dev.kdrl.env.trace.*;
import java.nio.file.Path;

public class Expected3 {
    static final long GOLDEN = 0x9E3779B97F4A7C15L;

    static final class Planner implements Policy<double[], int[]> {
        final QuotaModel model; final QuotaEnv env; final TrafficDistribution traffic;
        final int c1, s1, c2, s2;
        final double conf;
        final JointActionEvaluator ev, ev2;
        Planner(QuotaEnv env, TrafficDistribution traffic, int c1, int s1, int c2, int s2, double conf) {
            this.env = env; this.model = env.model(); this.traffic = traffic;
            this.c1 = c1; this.s1 = s1; this.c2 = c2; this.s2 = s2; this.conf = conf;
            ev = new JointActionEvaluator(model); ev2 = new JointActionEvaluator(model);
        }
        boolean last(int step) { return model.isPaperFinalStep(step) || step + 1 >= env.episodeLength(); }
        public int[] act(double[] obs) {
            QuotaState s = env.state();
            boolean pf = model.isPaperFinalStep(s.step());
            int[][] acts = new int[c1][model.numServices()]; double[] rews = new double[c1];
            ev.load(s);
            int n = ev.top(c1, pf, acts, rews);
            if (last(s.step())) return acts[0].clone();
            double[][] u1 = traffic.sample(s, s1, Rng.of(0 * GOLDEN + s.step()));
            if (u1.length == 0) return acts[0].clone();
            int[][] acts1 = new int[n][]; for (int c = 0; c < n; c++) acts1[c] = acts[c].clone();
            double[][][] u2 = new double[u1.length][][];
            double best = Double.NEGATIVE_INFINITY; int bestC = 0;
            double[][] perDraw = new double[n][u1.length];
            for (int c = 0; c < n; c++) {
                Transition t1 = model.decide(s, acts1[c]);
                double sum = 0;
                for (int k = 0; k < u1.length; k++) {
                    QuotaState sp = model.next(s, t1, u1[k]);
                    double v = value2(sp, k, u2);
                    sum += v;
                    perDraw[c][k] = rews[c] + v;
                }
                double score = rews[c] + sum / u1.length;
                if (score > best) { best = score; bestC = c; }
            }
            return conf > 0 ? acts1[CautiousChoice.choose(perDraw, n, u1.length, conf)] : acts1[bestC];
        }
        double value2(QuotaState sp, int k, double[][][] u2) {
            boolean pf = model.isPaperFinalStep(sp.step());
            ev.load(sp);
            if (last(sp.step())) return ev.bestReward(pf);
            if (u2[k] == null) u2[k] = traffic.sample(sp, s2, Rng.of(1_000_003L * (sp.step() + 1) + k));
            int[][] acts = new int[c2][model.numServices()]; double[] rews = new double[c2];
            int n = ev.top(c2, pf, acts, rews);
            if (u2[k].length == 0) return rews[0];
            boolean pf2 = model.isPaperFinalStep(sp.step() + 1);
            double best = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                Transition t2 = model.decide(sp, acts[j]);
                double sum = 0;
                for (double[] u : u2[k]) {
                    ev2.load(model.next(sp, t2, u));
                    sum += ev2.bestReward(pf2);
                }
                best = Math.max(best, rews[j] + sum / u2[k].length);
            }
            return best;
        }
        public String name() { return "expected-3"; }
    }

    public static void main(String[] a) {
        int c1 = Integer.parseInt(a[0]), s1 = Integer.parseInt(a[1]), c2 = Integer.parseInt(a[2]), s2 = Integer.parseInt(a[3]);
        QuotaModel model = PaperProfile.model();
        double conf = a[4].startsWith("conf=") ? Double.parseDouble(a[4].substring(5)) : 0;
        double g = 0, e20 = 0, e2d = 0, e3 = 0;
        for (int i = a[4].startsWith("conf=") ? 5 : 4; i < a.length; i++) {
            Trace trace = TraceCsv.read(Path.of(a[i]));
            EmpiricalTraffic tr = Baselines.trafficModel(model, trace, null);
            QuotaEnv env = new QuotaEnv(model, trace);
            double rg = EpisodeRunner.run(env, ExpectedValuePolicy.of(env, tr, new ExpectedValuePolicy.Settings(0, 1, 1, 0, 0)), 0L).metrics().episodeReturn();
            env = new QuotaEnv(model, trace);
            double r20 = EpisodeRunner.run(env, ExpectedValuePolicy.of(env, tr, new ExpectedValuePolicy.Settings(1, c1, s1, 0, 0)), 0L).metrics().episodeReturn();
            env = new QuotaEnv(model, trace);
            double r2d = EpisodeRunner.run(env, ExpectedValuePolicy.of(env, tr, ExpectedValuePolicy.Settings.defaults()), 0L).metrics().episodeReturn();
            env = new QuotaEnv(model, trace);
            long t0 = System.nanoTime();
            double r3 = EpisodeRunner.run(env, new Planner(env, tr, c1, s1, c2, s2, conf), 0L).metrics().episodeReturn();
            System.out.printf("%s greedy %.2f e2(conf0) %.2f e2(defaults) %.2f e3 %.2f  (%.1f s)%n", a[i], rg, r20, r2d, r3, (System.nanoTime() - t0) / 1e9);
            g += rg; e20 += r20; e2d += r2d; e3 += r3;
        }
        System.out.printf("TOTAL %% of greedy: e2(conf0) %.3f e2(defaults) %.3f e3 %.3f%n", 100 * e20 / g, 100 * e2d / g, 100 * e3 / g);
    }
}
