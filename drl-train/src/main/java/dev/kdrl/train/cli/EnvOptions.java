package dev.kdrl.train.cli;

import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.profile.Profiles;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.trace.Trace;
import dev.kdrl.env.trace.TraceCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the commands that simulate: which cluster model, which trace. */
final class EnvOptions {
    @Option(names = "--profile", defaultValue = "paper", paramLabel = "PROFILE",
            description = "'paper' (the published environment, every quirk), 'paper-general' (the paper's services "
                    + "in the general model) or a profile file (.yaml/.yml, or .csv with --quota). Default: ${DEFAULT-VALUE}.")
    String profile;

    @Option(names = "--trace", required = true, paramLabel = "FILE",
            description = "Traffic CSV: a header of service names, one row of concurrent users per period.")
    Path trace;

    @Option(names = "--quota", paramLabel = "CORES",
            description = "Quota in cores (required for a CSV profile; overrides a YAML profile's).")
    Double quota;

    @Option(names = "--min-pods", paramLabel = "N",
            description = "Pods a service keeps at zero traffic in the general model (default 1).")
    Integer minPods;

    QuotaModel model() {
        return model(profile, quota, minPods);
    }

    /** The model a profile name stands for: 'paper', 'paper-general' or a profile file. */
    static QuotaModel model(String profile, Double quota, Integer minPods) {
        switch (profile) {
            case "paper":
                if (quota != null || minPods != null) {
                    throw new IllegalArgumentException("--profile paper is the exact published environment (quota 40);"
                            + " use --profile paper-general to change --quota or --min-pods");
                }
                return PaperProfile.model();
            case "paper-general":
                return QuotaModel.general(PaperProfile.services(), quota == null ? PaperProfile.QUOTA : quota,
                        minPods == null ? 1 : minPods);
            default:
                Path file = Path.of(profile);
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("--profile '" + profile
                            + "' is neither 'paper', 'paper-general' nor a readable profile file");
                }
                return Profiles.load(file, quota, minPods).toModel();
        }
    }

    Trace trace() {
        return trace(trace);
    }

    static Trace trace(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--trace " + file + ": no such file");
        }
        return TraceCsv.read(file);
    }
}
