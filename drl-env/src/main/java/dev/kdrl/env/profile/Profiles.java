package dev.kdrl.env.profile;

import dev.kdrl.env.quota.ServiceProfile;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Loads a cluster profile by file extension: {@code .yaml}/{@code .yml} via {@link ProfileYaml} (a full
 * {@link ClusterSpec}), {@code .csv} via {@link ProfileCsv} (services only; the quota must come from the
 * caller, e.g. a {@code --quota} option).
 */
public final class Profiles {

    private Profiles() {
    }

    /**
     * Loads {@code file}.
     *
     * @param quotaOverride   the quota in cores; overrides a YAML file's {@code quota} (and stands in for a
     *                        missing one); required for CSV; {@code null} = none
     * @param minPodsOverride the minimum pods per service; overrides a YAML file's {@code minPods};
     *                        {@code null} = the file's value, or {@value ClusterSpec#DEFAULT_MIN_PODS}
     * @throws IllegalArgumentException  for an unsupported extension, a CSV file without a quota override,
     *                                   or an invalid override (quota not finite &gt; 0, minPods &lt; 0)
     * @throws ProfileFormatException   on invalid file content
     * @throws java.io.UncheckedIOException on I/O errors
     */
    public static ClusterSpec load(Path file, Double quotaOverride, Integer minPodsOverride) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (quotaOverride != null && (!(quotaOverride > 0) || quotaOverride.isInfinite())) {
            throw new IllegalArgumentException("quota override must be a finite number > 0, got " + quotaOverride);
        }
        if (minPodsOverride != null && minPodsOverride < 0) {
            throw new IllegalArgumentException("minPods override must be >= 0, got " + minPodsOverride);
        }
        ClusterSpec spec;
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            spec = ProfileYaml.read(file, quotaOverride);
            if (quotaOverride != null) {
                spec = spec.withQuota(quotaOverride);
            }
            if (minPodsOverride != null) {
                spec = spec.withMinPods(minPodsOverride);
            }
        } else if (name.endsWith(".csv")) {
            if (quotaOverride == null) {
                throw new IllegalArgumentException("a CSV profile has no quota: pass --quota");
            }
            List<ServiceProfile> services = ProfileCsv.read(file);
            spec = new ClusterSpec(services, quotaOverride,
                    minPodsOverride != null ? minPodsOverride : ClusterSpec.DEFAULT_MIN_PODS);
        } else {
            throw new IllegalArgumentException("unsupported profile file " + file
                    + " (expected a .yaml, .yml or .csv file)");
        }
        return spec;
    }

    /** {@link #load(Path, Double, Integer)} without overrides (YAML only; a CSV file needs a quota). */
    public static ClusterSpec load(Path file) {
        return load(file, null, null);
    }
}
