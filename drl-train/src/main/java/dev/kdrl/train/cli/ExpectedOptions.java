package dev.kdrl.train.cli;

import dev.kdrl.env.baseline.CautiousChoice;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of the {@code expected-2} planner, the one that does not see the future, shared by {@code drl
 * baselines} and {@code drl evaluate} (a picocli mixin).
 */
final class ExpectedOptions {
    @Option(names = "--traffic-history", paramLabel = "FILE",
            description = "Traffic CSV from which expected-2 learns how the load moves from one period to the next "
                    + "(an AR(1) fit with its residuals). Default: the trace(s) being played (their one-step statistics, "
                    + "never their order).")
    Path trafficHistory;

    /** The planner's default confidence, {@link dev.kdrl.env.baseline.ExpectedValuePolicy.Settings#defaults()}'s. */
    @Option(names = "--expected-confidence", defaultValue = "0.5", paramLabel = "K",
            description = "expected-2 replaces the best action by immediate reward only when another's mean advantage "
                    + "over the traffic samples less K standard errors is positive; 0: the best mean wins. Default: "
                    + "${DEFAULT-VALUE}.")
    double confidence;

    @Option(names = "--no-expected", description = "Skip expected-2, the planner that does not see the future.")
    boolean skip;

    /** {@code --expected-confidence}, refused (naming the option) unless a finite number {@code >= 0}. */
    double confidence() {
        return CautiousChoice.requireConfidence("--expected-confidence", confidence);
    }

    /**
     * With {@code --no-expected}, refuses {@code --expected-confidence} and {@code --traffic-history} (which only
     * expected-2 reads in {@code drl baselines}), named: they would be ignored.
     */
    void refuseWhenSkipped(picocli.CommandLine.ParseResult parsed) {
        refuseWhenSkipped(parsed, false);
    }

    /**
     * With {@code --no-expected}, refuses {@code --expected-confidence}, and {@code --traffic-history} unless {@code
     * historyRead} (something else reads it too: in {@code drl evaluate}, a model searching two steps draws its next
     * period's traffic from it), named: they would be ignored.
     */
    void refuseWhenSkipped(picocli.CommandLine.ParseResult parsed, boolean historyRead) {
        if (!skip) {
            return;
        }
        for (String o : historyRead ? java.util.List.of("--expected-confidence")
                : java.util.List.of("--expected-confidence", "--traffic-history")) {
            if (parsed.hasMatchedOption(o)) {
                throw new IllegalArgumentException(o + " " + parsed.matchedOptionValue(o, (Object) null) + " sets the "
                        + "expected-2 planner, and --no-expected skips it: leave one of them out");
            }
        }
    }

    /** The trace of {@code --traffic-history}, or {@code null} when the option is not given. */
    Trace history() {
        if (trafficHistory == null) {
            return null;
        }
        EnvOptions.requireFile("--traffic-history", trafficHistory, "");
        return TraceCsv.read(trafficHistory);
    }
}
