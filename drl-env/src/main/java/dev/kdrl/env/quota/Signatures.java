package dev.kdrl.env.quota;

import dev.kdrl.core.policy.EnvSignature;
import java.util.ArrayList;
import java.util.List;

/** The {@link EnvSignature} of a model: what a saved policy records and checks before it acts. */
public final class Signatures {

    private Signatures() {
    }

    /**
     * @param model   the cluster model
     * @param profile the profile's name as the user gave it (e.g. {@code paper}, or a file name)
     */
    public static EnvSignature of(QuotaModel model, String profile) {
        return of(model, profile, Observation.PAPER);
    }

    /**
     * @param model       the cluster model
     * @param profile     the profile's name as the user gave it
     * @param observation what the policy sees of the state
     */
    public static EnvSignature of(QuotaModel model, String profile, Observation observation) {
        return of(model, profile, observation.label(), observation.size(model));
    }

    /**
     * @param model           the cluster model
     * @param profile         the profile's name as the user gave it
     * @param observation     the name of what the network reads (e.g. {@code afterstate})
     * @param observationSize its length
     */
    public static EnvSignature of(QuotaModel model, String profile, String observation, int observationSize) {
        // the label "paper" stands for the published model with its quirks, and only for it: a policy checked
        // against another model under that label would be accepted and play other dynamics
        if ("paper".equals(profile) != model.quirks().any()) {
            throw new IllegalArgumentException("profile 'paper' names the exact published model (PaperProfile.model(), "
                    + "with its quirks) and only it: " + ("paper".equals(profile) ? "this model has no quirks (name "
                    + "it 'paper-general' or by its profile file)" : "this model has the published quirks, so it "
                    + "must be named 'paper', got '" + profile + "'"));
        }
        List<String> tables = new ArrayList<>();
        List<String> settings = new ArrayList<>();
        for (ServiceProfile s : model.services()) {
            settings.add(settingsLine(s));
            double[][] rows = new double[s.numActions()][];
            for (int a = 0; a < rows.length; a++) {
                ServiceConfig c = s.config(a);
                rows[a] = new double[] {c.cpu(), c.concurrency(), c.latencyMs()};
            }
            tables.add(EnvSignature.actionTableLine(rows));
        }
        return new EnvSignature(model.serviceNames(), model.actionSpace().nvec(), observationSize, profile,
                tables, model.quota(), observation, settings);
    }

    /**
     * A service's {@link EnvSignature#serviceSettings()} line: what the reward ({@code sloMs}) and the K-HPA
     * dynamics ({@code khpaLatencyThresholdMs}, {@code maxPodStep}) read of it besides its action table, e.g.
     * {@code sloMs=1500.0 khpaLatencyThresholdMs=1200.0 maxPodStep=0}.
     */
    public static String settingsLine(ServiceProfile s) {
        return "sloMs=" + s.sloMs() + " khpaLatencyThresholdMs=" + s.khpaLatencyThresholdMs() + " maxPodStep="
                + s.maxPodStep();
    }
}
