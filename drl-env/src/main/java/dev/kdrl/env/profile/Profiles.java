package dev.kdrl.env.profile;

import dev.kdrl.env.cluster.ClusterParams;
import dev.kdrl.env.paper.PaperProfile;
import dev.kdrl.env.quota.Limit;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.ServiceProfile;
import java.nio.file.Files;
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

    /** The published environment with every quirk. */
    public static final String PAPER = "paper";
    /** The paper's three services in the general model (no quirks). */
    public static final String PAPER_GENERAL = "paper-general";

    /**
     * The model a profile name stands for, as the {@code drl} commands and the live agent accept it:
     * {@value #PAPER} (the exact published environment, quota 40, no overrides allowed),
     * {@value #PAPER_GENERAL} (the paper's services in the general model) or a profile file.
     *
     * @param quota   quota override in cores, {@code null} = the profile's own
     * @param minPods minimum pods override, {@code null} = the profile's own (1 for paper-general)
     * @throws IllegalArgumentException naming the profile and what was expected
     */
    public static QuotaModel model(String profile, Double quota, Integer minPods) {
        switch (profile) {
            case PAPER:
                if (quota != null || minPods != null) {
                    throw new IllegalArgumentException("profile 'paper' is the exact published environment (quota "
                            + PaperProfile.QUOTA + "); use profile 'paper-general' to change the quota or minPods");
                }
                return PaperProfile.model();
            case PAPER_GENERAL:
                return QuotaModel.general(PaperProfile.services(), quota == null ? PaperProfile.QUOTA : quota,
                        minPods == null ? 1 : minPods, "profile '" + profile + "'");
            default:
                Path file = Path.of(profile);
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("profile '" + profile
                            + "' is neither 'paper', 'paper-general' nor a readable profile file");
                }
                return load(file, quota, minPods).toModel("profile '" + profile + "'");
        }
    }

    /** Whether {@code profile} names a built-in profile ({@value #PAPER}, {@value #PAPER_GENERAL}), not a file. */
    public static boolean isBuiltIn(String profile) {
        return PAPER.equals(profile) || PAPER_GENERAL.equals(profile);
    }

    /**
     * The cluster-faithful dynamics' parameters of a profile: the file's {@code cluster:} keys (YAML), else
     * {@link ClusterParams#DEFAULTS} ({@value #PAPER}, {@value #PAPER_GENERAL}, CSV files).
     *
     * @throws IllegalArgumentException as {@link #model} does for an unknown profile
     */
    public static ClusterParams clusterParams(String profile) {
        if (isBuiltIn(profile)) {
            return ClusterParams.DEFAULTS;
        }
        Path file = Path.of(profile);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("profile '" + profile
                    + "' is neither 'paper', 'paper-general' nor a readable profile file");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return ProfileYaml.read(file, 1.0).clusterParams();
        }
        return ClusterParams.DEFAULTS;
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
        if (quotaOverride != null) {
            Limit.QUOTA.require("quota override", quotaOverride);
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
                throw new IllegalArgumentException(file + ": a CSV profile holds no quota (expected one given beside it: "
                        + "drl's --quota, the agent's quota key, or the quota override of Profiles.load)");
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

    /**
     * The profile name a saved policy's signature is compared with, given the profile it is used with
     * ({@code configured}) and the one it was trained with ({@code saved}). The built-in profiles ({@value #PAPER},
     * {@value #PAPER_GENERAL}) differ in their dynamics, not only in their tables, so they must match by name. A
     * profile file is identified by what the signature holds besides the name (services, action tables, quota), so a
     * file trained as {@code datasets/x.yaml} and used as {@code ./datasets/x.yaml} or {@code /etc/drl/x.yaml} fits;
     * but when the recorded file can still be read and its services differ from the configured file's in what the
     * signature does not hold (SLOs, K-HPA thresholds and steps), the names are kept apart, so the two are told apart.
     * (A recorded file that is gone cannot be compared so: what the signature holds is all that is checked.) A profile
     * file is the general model, as {@value #PAPER_GENERAL} is: one holding exactly that profile's services (to add
     * {@code cluster:} keys, say) fits a model trained with it.
     */
    public static String signatureName(String configured, String saved) {
        if (PAPER_GENERAL.equals(saved) && !isBuiltIn(configured)) {
            try {
                if (load(Path.of(configured), 1.0, null).services().equals(PaperProfile.services())) {
                    return saved;
                }
            } catch (RuntimeException e) {
                // not readable as a profile here: compared by name, and refused as another profile
            }
            return configured;
        }
        if (isBuiltIn(configured) || isBuiltIn(saved) || configured.equals(saved)) {
            return configured;
        }
        Path recorded = Path.of(saved);
        Path given = Path.of(configured);
        if (Files.isRegularFile(recorded) && Files.isRegularFile(given)) {
            try {
                if (!load(recorded, 1.0, null).services().equals(load(given, 1.0, null).services())) {
                    return configured;
                }
            } catch (RuntimeException e) {
                return saved; // the recorded file no longer reads as a profile: compare what the signature holds
            }
        }
        return saved;
    }
}
