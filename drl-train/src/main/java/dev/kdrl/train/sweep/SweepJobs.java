package dev.kdrl.train.sweep;

import dev.kdrl.train.sweep.SweepFile.Setting;
import dev.kdrl.train.sweep.SweepFile.Sweep;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Kubernetes manifests that run a sweep's trials as Jobs: a ConfigMap holding the sweep file, and one
 * {@code batch/v1} Job per trial (the API server 1.20 our tests build has no Indexed completion), each running
 * {@code drl sweep trial FILE --out DIR --setting ID --seed S} in the image, with the sweep directory on a shared
 * volume (a PersistentVolumeClaim) so that {@code drl sweep report DIR} reads what they wrote. A finished trial's
 * Job exits at once (its {@code done.json} is there), so the manifests can be applied again after a failure. A
 * setting with its own {@code seeds} has a Job per seed of its own.
 */
public final class SweepJobs {

    /** Where and how the Jobs run. */
    public record Params(String name, String namespace, String image, String claim, String mountPath, String out,
                         String workingDir, String jar, String javaOpts, String cpu, String memory, int backoffLimit) {
    }

    private SweepJobs() {
    }

    /** A DNS-1123 label from {@code text}: lower case, digits and '-', at most {@code max} characters. */
    public static String dnsLabel(String text, int max) {
        String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("-+", "-")
                .replaceAll("^-|-$", "");
        if (s.isEmpty()) {
            s = "sweep";
        }
        if (s.length() > max) {
            s = s.substring(0, max).replaceAll("-$", "");
        }
        return s;
    }

    /** The manifests as one YAML stream: the ConfigMap, then one Job per trial (setting-major, as sweep run). */
    public static String manifests(Sweep sweep, String sweepText, Params p) {
        String name = dnsLabel(p.name(), 40);
        StringBuilder sb = new StringBuilder();
        boolean ownSeeds = sweep.ownSeeds();
        sb.append("# drl sweep k8s: ").append(sweep.settings().size()).append(" settings x ")
                .append(ownSeeds ? "their" : Integer.toString(sweep.seeds().size())).append(" seeds = ")
                .append(sweep.trials()).append(" Jobs writing ").append(p.out())
                .append(" on the claim ").append(p.claim()).append('\n');
        sb.append("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ").append(name).append("-sweep\n")
                .append("  namespace: ").append(q(p.namespace())).append('\n')
                .append("  labels:\n    app.kubernetes.io/name: drl-sweep\n    drl.kdrl.dev/sweep: ").append(name)
                // the indentation stated (2 more than the key's), so that a file whose first line is indented reads
                .append("\ndata:\n  sweep.yaml: |2\n");
        for (String line : sweepText.stripTrailing().split("\n", -1)) {
            sb.append(line.isEmpty() ? "" : "    " + line).append('\n');
        }
        int index = 0;
        for (Setting s : sweep.settings()) {
            for (long seed : sweep.seeds(s)) {
                sb.append("---\n").append(job(name, index++, s, seed, p));
            }
        }
        return sb.toString();
    }

    private static String job(String name, int index, Setting s, long seed, Params p) {
        List<String> command = new ArrayList<>(List.of("java"));
        for (String o : p.javaOpts().trim().split("\\s+")) {
            if (!o.isEmpty()) {
                command.add(o);
            }
        }
        command.addAll(List.of("-jar", p.jar(), "sweep", "trial", "/etc/drl-sweep/sweep.yaml", "--out", p.out(),
                "--setting", s.id(), "--seed", Long.toString(seed), "--java-opts=" + String.join(" ",
                        p.javaOpts().trim().split("\\s+"))));
        String labels = "    app.kubernetes.io/name: drl-sweep\n    drl.kdrl.dev/sweep: " + name + "\n";
        StringBuilder sb = new StringBuilder();
        sb.append("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ").append(name).append("-").append(index)
                .append("\n  namespace: ").append(q(p.namespace())).append("\n  labels:\n").append(labels)
                .append("  annotations:\n    drl.kdrl.dev/setting: ").append(q(s.id()))
                .append("\n    drl.kdrl.dev/seed: ").append(q(Long.toString(seed)))
                .append("\nspec:\n  backoffLimit: ").append(p.backoffLimit())
                .append("\n  template:\n    metadata:\n      labels:\n").append(labels.replace("    ", "        "))
                .append("    spec:\n      restartPolicy: Never\n")
                .append("      securityContext: {runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001}\n")
                .append("      containers:\n        - name: trial\n")
                .append("          image: ").append(q(p.image())).append('\n')
                .append("          workingDir: ").append(q(p.workingDir())).append('\n')
                .append("          command: [").append(String.join(", ", command.stream().map(SweepJobs::q).toList()))
                .append("]\n")
                .append("          env:\n            - {name: OMP_NUM_THREADS, value: \"1\"}\n")
                .append("          resources:\n            requests: {cpu: ").append(q(p.cpu())).append(", memory: ")
                .append(q(p.memory())).append("}\n            limits: {memory: ").append(q(p.memory())).append("}\n")
                .append("          volumeMounts:\n            - {name: data, mountPath: ").append(q(p.mountPath()))
                .append("}\n            - {name: sweep, mountPath: /etc/drl-sweep, readOnly: true}\n")
                .append("      volumes:\n            - {name: data, persistentVolumeClaim: {claimName: ")
                .append(q(p.claim())).append("}}\n            - {name: sweep, configMap: {name: ").append(name)
                .append("-sweep}}\n");
        return sb.toString().replace("      volumes:\n            - ", "      volumes:\n        - ")
                .replace("}}\n            - {name: sweep, configMap", "}}\n        - {name: sweep, configMap");
    }

    /** A double-quoted YAML scalar. */
    static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
