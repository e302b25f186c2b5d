package dev.kdrl.agent.prom;

/** A query that gave no usable value: its {@link FailureKind} and a one-line detail. */
public final class QueryFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final FailureKind kind;

    public QueryFailure(FailureKind kind, String detail) {
        super(kind.label() + ": " + detail);
        this.kind = kind;
    }

    public QueryFailure(FailureKind kind, String detail, Throwable cause) {
        super(kind.label() + ": " + detail, cause);
        this.kind = kind;
    }

    public FailureKind kind() {
        return kind;
    }
}
