package dev.kdrl.env.quota;

/** What a decision does to one service. */
public enum ScaleKind {
    /** A new Revision: every pod at the new size; the old pods hold their CPU until it is ready. */
    FRESH,
    /** K-HPA adds pods to the running Revision; only the added pods cost CPU. */
    ADD,
    /** Pods and resources unchanged. */
    KEEP
}
