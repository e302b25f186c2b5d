package dev.kdrl.train.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kdrl.core.io.Printable;
import dev.kdrl.core.policy.EnvSignature;
import dev.kdrl.core.policy.Mlp;
import dev.kdrl.core.policy.PolicyFile;
import dev.kdrl.core.policy.SavedPolicy;
import dev.kdrl.core.policy.TrainedLoads;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What a saved policy holds and records, without unzipping it. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Say what a saved policy (model.zip, best.zip, a bundled model) holds: its algorithm, the "
                + "environment it was trained for (profile, quota, services, configurations, SLO and K-HPA settings, "
                + "observation), its networks, the loads its training traffic spanned, and every hyper-parameter "
                + "it recorded (how it acts, the dynamics it trained in)."})
final class InspectCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE.zip", description = "A saved policy (or a traffic predictor).")
    Path model;

    @Option(names = "--json", description = "Print one JSON object instead.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        EnvOptions.requireFile("--model", model, "");
        SavedPolicy saved;
        try {
            saved = PolicyFile.load(model);
        } catch (IllegalArgumentException notPolicy) {
            if (!isPredictor()) {
                throw notPolicy;
            }
            // a traffic predictor (drl predictor train) is described as such, or refused for what is wrong with it
            predictor(dev.kdrl.core.predict.PredictorFile.load(model));
            return 0;
        }
        Loads loads = loads(saved);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(describe(saved, loads)));
        } else {
            text(saved, loads, out);
        }
        out.flush();
        return 0;
    }

    /** A traffic predictor: its network, window, scale and what its training recorded. */
    private void predictor(dev.kdrl.core.predict.NeuralPredictor p) throws Exception {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("file", model.toString());
        d.put("kind", "traffic-predictor");
        d.put("name", p.name());
        d.put("window", p.window());
        d.put("units", p.network().units());
        d.put("layers", p.network().numLayers());
        d.put("scalerMin", p.scaler().min());
        d.put("scalerMax", p.scaler().max());
        Map<String, String> metadata = new java.util.TreeMap<>(p.metadata());
        d.put("metadata", metadata);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(d));
        } else {
            out.println(model + ": a traffic predictor (" + p.name() + ", drl predictor train), not a policy");
            out.printf(Locale.ROOT, "  network       %d Bi-LSTM layer(s) of %d units, window %d%n",
                    p.network().numLayers(), p.network().units(), p.window());
            out.println("  scale         " + TrainedLoads.format(p.scaler().min()) + ".."
                    + TrainedLoads.format(p.scaler().max())
                    + " (the training part's loads)");
            out.println("  recorded:");
            recorded(metadata, out);
        }
        out.flush();
    }

    /** Whether the file's manifest names the traffic predictors' format. */
    private boolean isPredictor() {
        try {
            byte[] manifest = dev.kdrl.core.io.ModelArchive.read(model).get("manifest.properties");
            return manifest != null && dev.kdrl.core.predict.PredictorFile.FORMAT.equals(
                    dev.kdrl.core.io.ModelArchive.readManifest(model, "manifest.properties", manifest)
                            .getProperty("format"));
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** The recorded training loads: {@code ranges} null when none was recorded, {@code error} when unreadable. */
    private record Loads(TrainedLoads ranges, String error) {
    }

    private static Loads loads(SavedPolicy saved) {
        String[] error = {null};
        TrainedLoads ranges = TrainedLoads.of(saved, unreadable -> error[0] = unreadable).orElse(null);
        return new Loads(ranges, error[0]);
    }

    /** The policy as one JSON-ready map. */
    private Map<String, Object> describe(SavedPolicy saved, Loads loads) {
        EnvSignature env = saved.env();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("file", model.toString());
        d.put("kind", "policy");
        d.put("algorithm", saved.algorithm());
        d.put("libraryVersion", saved.libraryVersion());
        d.put("profile", env.profile());
        d.put("quota", env.quota());
        List<Map<String, Object>> services = new ArrayList<>();
        for (int i = 0; i < env.serviceNames().size(); i++) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", env.serviceNames().get(i));
            s.put("configurations", env.nvec()[i]);
            s.put("table", env.actionTables().isEmpty() ? null : env.actionTables().get(i));
            s.put("settings", env.serviceSettings().isEmpty() ? null : env.serviceSettings().get(i));
            services.add(s);
        }
        d.put("services", services);
        d.put("observation", env.observation());
        d.put("observationSize", env.observationSize());
        d.put("actor", network(saved.actor(), saved.head().label()));
        d.put("critic", saved.critic() == null ? null : network(saved.critic(), null));
        d.put("normalizer", saved.normalizer() != null);
        Map<String, Object> ranges = null;
        if (loads.ranges() != null) {
            ranges = new LinkedHashMap<>();
            TrainedLoads t = loads.ranges();
            for (int i = 0; i < t.services().size(); i++) {
                ranges.put(t.services().get(i), Map.of("low", t.low(i), "high", t.high(i)));
            }
        }
        d.put("trainedLoads", ranges);
        if (loads.error() != null) {
            d.put("trainedLoadsError", loads.error());
        }
        // null: not recorded (models saved before 2026-12-07 did not record it)
        d.put("dynamics", saved.hyperParameters().get("dynamics"));
        d.put("hyperParameters", saved.hyperParameters());
        return d;
    }

    private static Map<String, Object> network(Mlp net, String head) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("layers", net.layerSizes());
        n.put("hidden", net.hiddenActivation().label());
        n.put("parameters", net.parameterCount());
        if (head != null) {
            n.put("head", head);
        }
        return n;
    }

    private void text(SavedPolicy saved, Loads loads, PrintWriter out) {
        EnvSignature env = saved.env();
        out.println(model + ": policy trained by " + saved.algorithm() + ", saved by drl " + saved.libraryVersion());
        out.printf(Locale.ROOT, "  environment   profile %s, quota %s cores%n", env.profile(),
                TrainedLoads.format(env.quota()));
        for (int i = 0; i < env.serviceNames().size(); i++) {
            out.printf(Locale.ROOT, "  service       %s: %d configurations%s%n", env.serviceNames().get(i),
                    env.nvec()[i], env.serviceSettings().isEmpty() ? "" : "; " + env.serviceSettings().get(i));
        }
        out.printf(Locale.ROOT, "  observation   %s (%d numbers)%n", env.observation(), env.observationSize());
        out.println("  actor         " + layers(saved.actor()) + ", head " + saved.head().label());
        out.println("  critic        " + (saved.critic() == null ? "none" : layers(saved.critic())));
        if (loads.error() != null) {
            out.println("  trained on    (recorded, but cannot be read: " + Printable.escape(loads.error()) + ")");
        } else if (loads.ranges() == null) {
            out.println("  trained on    (the loads were not recorded)");
        } else {
            List<String> each = new ArrayList<>();
            TrainedLoads t = loads.ranges();
            for (int i = 0; i < t.services().size(); i++) {
                each.add(t.services().get(i) + " " + t.range(i));
            }
            out.println("  trained on    " + String.join(", ", each) + " (the loads of its training traffic)");
        }
        String dynamics = saved.hyperParameters().get("dynamics");
        out.println("  dynamics      " + (dynamics != null ? Printable.escape(dynamics)
                : "paper (none recorded; a policy trained with --dynamics cluster records it since 2026-12-07)"));
        out.println("  hyper-parameters (as recorded):");
        recorded(saved.hyperParameters(), out);
    }

    /** What a file recorded, one {@code key = value} line each, whatever a value holds (JSON keeps it as it is). */
    private static void recorded(Map<String, String> entries, PrintWriter out) {
        entries.forEach((k, v) -> out.println("    " + Printable.escape(k) + " = " + Printable.escape(v)));
    }

    private static String layers(Mlp net) {
        List<String> sizes = new ArrayList<>();
        for (int s : net.layerSizes()) {
            sizes.add(Integer.toString(s));
        }
        return String.join("-", sizes) + " " + net.hiddenActivation().label() + ", "
                + String.format(Locale.ROOT, "%,d", net.parameterCount()) + " parameters";
    }
}
