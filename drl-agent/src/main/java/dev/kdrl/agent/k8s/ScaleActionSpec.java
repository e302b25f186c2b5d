package dev.kdrl.agent.k8s;

import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.ServiceConfig;
import dev.kdrl.env.quota.Transition;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code spec} of the {@code DRLScaleAction} custom resource that the Go operator applies to the
 * Knative Services (see {@code docs/spec/live-agent.md}): per service {@code service<name>_resource}
 * (CPU limit per pod in millicores, e.g. {@code "3500m"}), {@code service<name>_concurrency} (the
 * concurrency target, e.g. {@code "20"}) and {@code service<name>_podcount} (min/initial scale), every
 * value a string. Rendered from the same {@link Transition} the simulator computes.
 */
public final class ScaleActionSpec {
    /** The custom resource's API group. */
    public static final String GROUP = "drlscaling.knativescaling.dcn.ssu.ac.kr";
    /** Its version. */
    public static final String VERSION = "v1";
    /** {@code group/version}. */
    public static final String API_VERSION = GROUP + "/" + VERSION;
    /** Its kind. */
    public static final String KIND = "DRLScaleAction";
    /** Its plural (the REST path segment and the RBAC resource). */
    public static final String PLURAL = "drlscaleactions";

    private ScaleActionSpec() {
    }

    /** The nine (3 per service) spec fields of one decision, in service order. */
    public static Map<String, String> render(QuotaModel model, Transition decision) {
        return render(model, decision.action(), decision.pods());
    }

    /** The spec fields of configurations {@code action} with {@code pods} as podcount, in service order. */
    public static Map<String, String> render(QuotaModel model, int[] action, int[] pods) {
        Map<String, String> spec = new LinkedHashMap<>();
        for (int i = 0; i < model.numServices(); i++) {
            String name = model.service(i).name();
            ServiceConfig c = model.service(i).config(action[i]);
            spec.put("service" + name + "_resource", millicores(c.cpu()));
            spec.put("service" + name + "_concurrency", plain(c.concurrency()));
            spec.put("service" + name + "_podcount", Integer.toString(pods[i]));
        }
        return spec;
    }

    /** The whole resource as YAML, for logs and dry runs. */
    public static String toYaml(String namespace, String name, Map<String, String> spec) {
        StringBuilder b = new StringBuilder();
        b.append("apiVersion: ").append(API_VERSION).append('\n');
        b.append("kind: ").append(KIND).append('\n');
        b.append("metadata:\n  name: ").append(name).append("\n  namespace: ").append(namespace).append('\n');
        b.append("spec:\n");
        spec.forEach((k, v) -> b.append("  ").append(k).append(": \"").append(v).append("\"\n"));
        return b.toString();
    }

    /** One line: {@code house=3500m/20/4 senti=...}. */
    public static String summary(QuotaModel model, Map<String, String> spec) {
        return summary(model, spec, true);
    }

    /** One line: {@code house=3500m/20/4 senti=...}, or without {@code pods} {@code house=3500m/20 senti=...}. */
    public static String summary(QuotaModel model, Map<String, String> spec, boolean pods) {
        StringBuilder b = new StringBuilder();
        for (String name : model.serviceNames()) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(name).append('=').append(spec.get("service" + name + "_resource")).append('/')
                    .append(spec.get("service" + name + "_concurrency"));
            if (pods) {
                b.append('/').append(spec.get("service" + name + "_podcount"));
            }
        }
        return b.toString();
    }

    /** Cores as Kubernetes millicores: 3.5 → {@code "3500m"}. Sub-millicore precision is refused. */
    static String millicores(double cores) {
        BigDecimal m = BigDecimal.valueOf(cores).movePointRight(3).stripTrailingZeros();
        if (m.scale() > 0) {
            throw new IllegalArgumentException("cpu " + cores + " cores is not a whole number of millicores");
        }
        return m.toPlainString() + "m";
    }

    /** A concurrency target as the operator expects it: {@code 20.0} → {@code "20"}. */
    static String plain(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** What a 404 for the agent's resource in {@code namespace} means, and what to do: the writer's and the reconciler's. */
    public static String missingIn(String namespace) {
        return "the API server has no " + PLURAL + "." + GROUP + " in namespace " + namespace + " (404): install the "
                + "CRD (deploy/crd.yaml or --install-crd) and check the namespace";
    }
}
