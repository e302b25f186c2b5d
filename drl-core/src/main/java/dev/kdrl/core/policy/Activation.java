package dev.kdrl.core.policy;

import java.util.Locale;

/**
 * Element-wise activation of an {@link Mlp} layer. Each constant has a stable {@link #code()} used by the
 * binary formats (never the ordinal, so reordering the constants cannot change a saved file's meaning) and a
 * lower-case {@link #label()} used in manifests.
 */
public enum Activation {
    /** Hyperbolic tangent. */
    TANH(1),
    /** {@code max(0, x)}. */
    RELU(2),
    /** No activation (the output layer of every {@link Mlp}). */
    IDENTITY(3);

    private final int code;

    Activation(int code) {
        this.code = code;
    }

    /** The stable code written to binary files. */
    public int code() {
        return code;
    }

    /** The lower-case name written to manifests, e.g. {@code tanh}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Applies this activation to {@code x}. */
    public double apply(double x) {
        return switch (this) {
            case TANH -> Math.tanh(x);
            case RELU -> x > 0 ? x : 0;
            case IDENTITY -> x;
        };
    }

    /**
     * The activation with binary code {@code code}.
     *
     * @throws IllegalArgumentException for an unknown code
     */
    public static Activation fromCode(int code) {
        for (Activation a : values()) {
            if (a.code == code) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation code " + code + " (expected 1 = tanh, 2 = relu, "
                + "3 = identity)");
    }

    /**
     * The activation named {@code label} (case-insensitive), as written by {@link #label()}.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static Activation fromLabel(String label) {
        if (label != null) {
            for (Activation a : values()) {
                if (a.label().equalsIgnoreCase(label.trim())) {
                    return a;
                }
            }
        }
        throw new IllegalArgumentException("unknown activation '" + label + "' (expected tanh, relu or identity)");
    }
}
