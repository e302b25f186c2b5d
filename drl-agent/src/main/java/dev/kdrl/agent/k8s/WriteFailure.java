package dev.kdrl.agent.k8s;

/** The custom resource could not be written; the cycle fails and the agent keeps running. */
public final class WriteFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why, as counted in the agent's metrics. */
    public enum Kind {
        /** 403: the ServiceAccount lacks a permission (see deploy/rbac.yaml). */
        FORBIDDEN("forbidden"),
        /** 404: the DRLScaleAction CRD is not installed (or the namespace does not exist). */
        NOT_FOUND("not_found"),
        /** 409 or 5xx after every retry. */
        GAVE_UP("gave_up"),
        /** Another answer (401, 422, ...) or an I/O failure after every retry. */
        OTHER("other"),
        /** Not written: this replica lost the Lease during the cycle. */
        NOT_LEADER("not_leader"),
        /** The decision gives a service more pods than its {@code maxPods}: not written. */
        IMPLAUSIBLE("implausible");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Kind kind;
    private final java.util.Set<String> applied;

    public WriteFailure(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, java.util.Set.of());
    }

    /**
     * @param applied the services whose part of the decision the cluster holds all the same (a sink that applies
     *                each service on its own, such as mode {@code knative}); empty: none
     */
    public WriteFailure(Kind kind, String message, Throwable cause, java.util.Set<String> applied) {
        super(kind.label() + ": " + message, cause);
        this.kind = kind;
        this.applied = java.util.Set.copyOf(applied);
    }

    public Kind kind() {
        return kind;
    }

    /** The services whose part of the decision was applied although the write as a whole failed. */
    public java.util.Set<String> applied() {
        return applied;
    }
}
