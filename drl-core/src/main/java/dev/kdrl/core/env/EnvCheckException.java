package dev.kdrl.core.env;

import java.util.List;

/** Thrown by {@link EnvChecker} with every contract rule an environment broke. */
public final class EnvCheckException extends RuntimeException {
    private final List<String> problems;

    public EnvCheckException(List<String> problems) {
        super("environment check failed: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
