package dev.kdrl.train.run;

import dev.kdrl.core.io.IoReasons;
import dev.kdrl.core.policy.EnvSignature;
import dev.kdrl.core.policy.PolicyFile;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.env.metrics.EpisodeRunner;
import dev.kdrl.env.quota.QuotaEnv;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.TraceSampler;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.value.AfterstatePolicy;
import dev.kdrl.train.algo.AfterstateTd;
import dev.kdrl.train.metrics.CsvMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One {@code drl train --algo afterstate} run: {@link AfterstateTd} on the run's training traffic, a deterministic
 * evaluation on the training trace every {@code evalEvery} iterations ({@code best.zip} keeps the best by it, or by
 * the summed return on the validation traces when there are any), then {@code model.zip}, {@code metrics.csv} and
 * {@code learning-curve.png}.
 */
public final class AfterstateRun {

    private AfterstateRun() {
    }

    /**
     * @param traffic  how the training episodes' traffic is drawn (as for the other algorithms)
     * @param episodes episodes per iteration
     */
    public static TrainingRun.Result run(String profile, QuotaModel model, Trace trace, TrainingRun.Traffic traffic,
                                         int episodes, AfterstateTd.Config config, long timesteps, int evalEvery,
                                         List<Trace> validation, Path out, PrintWriter progress) {
        long start = System.nanoTime();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out + ": " + IoReasons.of(e), e);
        }
        TraceSampler sampled = traffic.sampler(model, trace);
        TraceSampler sampler = sampled != null ? sampled : seed -> trace;
        AfterstateTd td = new AfterstateTd(model, sampler, episodes, config);
        td.recording(java.util.Map.of(dev.kdrl.core.policy.TrainedLoads.KEY, traffic.trainedLoads(model, trace).encode()));
        EnvSignature signature = AfterstatePolicy.signature(model, profile, config.trafficFeatures());
        QuotaEnv evalEnv = new QuotaEnv(model, trace);
        List<QuotaEnv> validationEnvs = validation.stream().map(t -> new QuotaEnv(model, t)).toList();
        Path best = out.resolve("best.zip");
        double[] bestScore = {Double.NEGATIVE_INFINITY};
        double[] bestReturn = {Double.NaN};
        long[] bestSteps = {0};
        double[] lastReturn = {Double.NaN};
        int[] iteration = {0};
        java.util.Map<String, Double> lastMetrics = new java.util.LinkedHashMap<>();
        try (CsvMetrics csv = new CsvMetrics(out.resolve("metrics.csv"))) {
            td.learn(timesteps, m -> {
                iteration[0]++;
                boolean last = td.timesteps() >= timesteps;
                m.put("eval/return", Double.NaN);
                if (iteration[0] % evalEvery == 0 || last) {
                    double ret = EpisodeRunner.episodeReturn(evalEnv, td.policy(evalEnv), 0L);
                    double score = validationEnvs.isEmpty() ? ret : validationEnvs.stream()
                            .mapToDouble(e -> EpisodeRunner.episodeReturn(e, td.policy(e), 0L)).sum();
                    m.put("eval/return", ret);
                    lastReturn[0] = ret;
                    if (score > bestScore[0]) {
                        bestScore[0] = score;
                        bestReturn[0] = ret;
                        bestSteps[0] = td.timesteps();
                        PolicyFile.save(td.snapshot(signature), best);
                    }
                }
                csv.write(m);
                lastMetrics.clear();
                lastMetrics.putAll(m);
                if (progress != null) {
                    // "eval -" until the first evaluation
                    progress.printf(Locale.ROOT, "\r%,d / %,d steps  ep_rew_mean %,.0f  eval %s  value_loss %.4f  %.0f s",
                            td.timesteps(), timesteps, m.get("rollout/ep_rew_mean"), Double.isNaN(lastReturn[0]) ? "-"
                                    : String.format(Locale.ROOT, "%,.0f", lastReturn[0]),
                            m.get("train/value_loss"), (System.nanoTime() - start) / 1e9);
                    progress.flush();
                }
                return true;
            });
        }
        if (progress != null) {
            progress.println();
            progress.flush();
        }
        SavedPolicy trained = td.snapshot(signature);
        Path modelFile = out.resolve("model.zip");
        PolicyFile.save(trained, modelFile);
        double finalReturn = EpisodeRunner.episodeReturn(evalEnv, td.policy(evalEnv), 0L);
        TrainingRun.plotLearningCurve(out.resolve("metrics.csv"), out.resolve("learning-curve.png"), "afterstate");
        return new TrainingRun.Result(modelFile, best, finalReturn, bestReturn[0], bestSteps[0], td.timesteps(),
                (System.nanoTime() - start) / 1e9, lastMetrics);
    }
}
