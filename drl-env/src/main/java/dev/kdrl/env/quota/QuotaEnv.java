package dev.kdrl.env.quota;

import dev.kdrl.core.env.Env;
import dev.kdrl.core.env.StepResult;
import dev.kdrl.core.space.Box;
import dev.kdrl.core.space.MultiDiscrete;
import dev.kdrl.env.trace.Trace;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * The quota-limited cluster as an {@link Env}: observation {@code double[3N]} (resource share, latency
 * share, traffic per service) or the whole decision state ({@link Observation}), action {@code int[N]} (configuration index per service), one step per
 * decision period over the environment's own trace.
 *
 * <p>General model: the first observation shows trace row 0, step {@code k} serves the traffic of row
 * {@code k-1} and the next observation shows row {@code k}; the episode has one step per trace row and its
 * last observation repeats the last row. Paper episode ({@link Quirks#paperEpisode()}): see
 * {@code docs/spec/paper-environment.md}, 200 steps over a 200-row trace, {@code rows - 1} over a
 * shorter one.
 *
 * <p>The step's {@link Transition} is in {@code info.get("transition")}; {@link #state()} snapshots the
 * full internal state (for planners and metrics). The environment is not thread-safe.
 */
public final class QuotaEnv implements Env<double[], int[]> {
    /** Key of the step's {@link Transition} in {@link StepResult#info()}. */
    public static final String TRANSITION = "transition";
    /** The published environment's time limit ({@link QuotaModel#PAPER_TIME_LIMIT}). */
    public static final int PAPER_TIME_LIMIT = QuotaModel.PAPER_TIME_LIMIT;

    private final QuotaModel model;
    private final Trace trace;
    private final MultiDiscrete actionSpace;
    private final Box observationSpace;
    private final int episodeLength;
    private final Observation observation;
    private QuotaState state;
    private boolean over;

    /**
     * @param model the cluster model
     * @param trace traffic per period; its columns are matched to the model's services by name
     */
    public QuotaEnv(QuotaModel model, Trace trace) {
        this(model, trace, Observation.PAPER);
    }

    /**
     * @param model       the cluster model
     * @param trace       traffic per period; its columns are matched to the model's services by name
     * @param observation what the policy sees of the state ({@link Observation#PAPER}: the published observation)
     */
    public QuotaEnv(QuotaModel model, Trace trace, Observation observation) {
        this.model = Objects.requireNonNull(model, "model");
        this.trace = Objects.requireNonNull(trace, "trace").select(model.serviceNames());
        this.observation = Objects.requireNonNull(observation, "observation");
        this.actionSpace = model.actionSpace();
        this.observationSpace = observation.space(model);
        this.episodeLength = episodeLength(model, this.trace);
    }

    /** Steps in one episode of {@code model} over {@code trace}. */
    public static int episodeLength(QuotaModel model, Trace trace) {
        int rows = trace.length();
        if (model.quirks().paperEpisode()) {
            if (rows < 2) {
                throw new IllegalArgumentException("trace " + trace.source() + " has " + rows
                        + " row(s); the paper episode needs at least 2 (row 0 is never used)");
            }
            return rows >= PAPER_TIME_LIMIT ? PAPER_TIME_LIMIT : rows - 1;
        }
        return rows;
    }

    public QuotaModel model() {
        return model;
    }

    /** What the policy sees of the state. */
    public Observation observation() {
        return observation;
    }

    /** The trace, columns in the model's service order. */
    public Trace trace() {
        return trace;
    }

    public int episodeLength() {
        return episodeLength;
    }

    @Override
    public Box observationSpace() {
        return observationSpace;
    }

    @Override
    public MultiDiscrete actionSpace() {
        return actionSpace;
    }

    /** The seed is unused: the episode is fully determined by the trace and the actions. */
    @Override
    public double[] reset(long seed) {
        state = model.initialState(trace.row(0));
        over = false;
        return observation.of(model, state);
    }

    @Override
    public StepResult<double[]> step(int[] action) {
        if (state == null) {
            throw new IllegalStateException("step called before reset");
        }
        if (over) {
            throw new IllegalStateException("the episode ended after " + episodeLength + " steps; call reset");
        }
        if (!actionSpace.contains(action)) {
            throw new IllegalArgumentException("action " + Arrays.toString(action) + " is not in " + actionSpace);
        }
        Transition tr = model.decide(state, action);
        boolean paperFinal = model.isPaperFinalStep(state.step());
        int t = state.step() + 1;
        double reward = model.reward(tr, paperFinal);
        if (paperFinal) {
            // the published last step updates the pod counts only
            state = new QuotaState(t, state.prevAction(), tr.pods(), state.prevRes(), state.traffic(),
                    state.observation());
        } else {
            state = model.next(state, tr, trace.row(nextRow(t)));
        }
        over = t >= episodeLength;
        return new StepResult<>(observation.of(model, state), reward, false, over, Map.of(TRANSITION, tr));
    }

    /** Trace row shown in the observation after step {@code t}. */
    private int nextRow(int t) {
        return Math.min(t, trace.length() - 1);
    }

    /** The full internal state; {@code null} before the first reset. */
    public QuotaState state() {
        return state;
    }

    /** Whether the current episode has ended. */
    public boolean episodeOver() {
        return over;
    }

    /**
     * The traffic the decision at step {@code step} (0-based) serves: row {@code step} of the trace, or in
     * the paper episode the fixed first traffic at step 0 and row {@code step} after.
     */
    public double[] trafficAt(int step) {
        if (step == 0) {
            return model.initialState(trace.row(0)).traffic();
        }
        return trace.row(Math.min(step, trace.length() - 1));
    }
}
