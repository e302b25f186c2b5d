package dev.kdrl.train.rl4j;

import dev.kdrl.train.metrics.CsvMetrics;
import dev.kdrl.train.metrics.MetricsSink;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.rl4j.learning.IEpochTrainer;
import org.deeplearning4j.rl4j.learning.ILearning;
import org.deeplearning4j.rl4j.learning.listener.TrainingListener;
import org.deeplearning4j.rl4j.util.IDataManager;

/**
 * RL4J training metrics in our trainers' form: one CSV row per finished training episode with {@code
 * time/total_timesteps}, {@code rollout/ep_rew_mean} (mean of the last 100 episodes), {@code rollout/ep_rew}
 * and {@code time/elapsed_s} (returns as the environment gives them: RL4J reports them before its reward
 * factor), and a progress line every 10 episodes.
 */
public final class EpisodeLog implements TrainingListener {
    private final Path file;
    private final long totalSteps;
    private final PrintWriter progress;
    private final Deque<Double> recent = new ArrayDeque<>();
    private MetricsSink out;
    private long start;
    private int episodes;

    /**
     * @param file        the CSV file (replaced)
     * @param totalSteps  the training length, for the progress line
     * @param progress    where progress lines go, or null for none
     */
    public EpisodeLog(Path file, long totalSteps, PrintWriter progress) {
        this.file = file;
        this.totalSteps = totalSteps;
        this.progress = progress;
    }

    @Override
    public ListenerResponse onTrainingStart() {
        start = System.nanoTime();
        out = new CsvMetrics(file);
        return ListenerResponse.CONTINUE;
    }

    @Override
    public ListenerResponse onNewEpoch(IEpochTrainer trainer) {
        return ListenerResponse.CONTINUE;
    }

    @Override
    public ListenerResponse onEpochTrainingResult(IEpochTrainer trainer, IDataManager.StatEntry stat) {
        double ret = stat.getReward();
        recent.addLast(ret);
        if (recent.size() > 100) {
            recent.removeFirst();
        }
        double mean = recent.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double elapsed = (System.nanoTime() - start) / 1e9;
        episodes++;
        Map<String, Number> row = new LinkedHashMap<>();
        row.put("time/total_timesteps", (long) stat.getStepCounter());
        row.put("rollout/ep_rew_mean", mean);
        row.put("rollout/ep_rew", ret);
        row.put("time/elapsed_s", elapsed);
        out.write(row);
        if (progress != null && episodes % 10 == 0) {
            progress.printf(Locale.ROOT, "%5.1f%% %,d steps  %,d episodes  ep_rew_mean %,.0f  %.0f s%n",
                    100.0 * Math.min(1, stat.getStepCounter() / (double) totalSteps), stat.getStepCounter(), episodes,
                    mean, elapsed);
            progress.flush();
        }
        return ListenerResponse.CONTINUE;
    }

    @Override
    public ListenerResponse onTrainingProgress(ILearning learning) {
        return ListenerResponse.CONTINUE;
    }

    @Override
    public void onTrainingEnd() {
        if (out != null) {
            out.close();
        }
    }

    /** Training episodes seen so far. */
    public int episodes() {
        return episodes;
    }
}
