package dev.kdrl.agent.k8s;

import java.util.Map;

/**
 * Where a decision goes: the custom resource ({@link ScaleActionWriter}, {@code apply.mode: cr}), the Knative Services
 * ({@link dev.kdrl.agent.knative.KnativeSink}, {@code apply.mode: knative}) or, in a dry run, the log
 * ({@link LogSink}).
 */
public interface ActionSink {

    /**
     * Writes the custom resource's spec.
     *
     * @return a one-line description of what was done (e.g. {@code created default/drl-action})
     * @throws WriteFailure when it could not be written
     * @throws InterruptedException if interrupted while backing off
     */
    String write(Map<String, String> spec) throws WriteFailure, InterruptedException;

    /**
     * The spec the cluster holds now, or {@code null} when it is unknown (dry run) or there is no resource.
     * Used at start to settle a decision whose write was interrupted.
     */
    default Map<String, String> current() {
        return null;
    }

    /**
     * Whether {@code live} (what {@link #current()} read) holds the decision {@code decided}: by default, equal specs.
     * A sink that does not write every field compares those it writes.
     */
    default boolean holds(Map<String, String> decided, Map<String, String> live) {
        return decided.equals(live);
    }
}
