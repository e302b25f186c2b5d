package dev.kdrl.agent.k8s;

import dev.kdrl.core.io.ParserMessages;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;

/** The agent's Kubernetes client, configured without touching system properties. */
public final class KubeClients {
    private static final Logger LOG = LoggerFactory.getLogger(KubeClients.class);

    private KubeClients() {
    }

    /**
     * Logs one warning when the API server says {@code namespace} does not exist (a mistyped {@code namespace} in
     * agent.yaml would otherwise only show as 404s, or, for the reconciler, as silence); says nothing when it
     * exists or cannot tell (a ServiceAccount's namespaced Role may not read Namespaces; an unreachable API server is
     * reported by what follows).
     *
     * @param consequence what the missing namespace means for this mode, after a colon
     * @return whether it was found missing
     */
    public static boolean warnIfNamespaceMissing(KubernetesClient client, String namespace, String consequence) {
        try {
            if (client.namespaces().withName(namespace).get() != null) {
                return false;
            }
        } catch (KubernetesClientException e) {
            LOG.debug("cannot tell whether namespace {} exists: {}", namespace, ApiErrors.brief(e));
            return false;
        }
        LOG.warn("namespace {} does not exist in the cluster (agent.yaml namespace): {}", namespace, consequence);
        return true;
    }

    /**
     * A client for {@code kubeconfig}, or, when it is {@code null}, fabric8's usual search: $KUBECONFIG or
     * ~/.kube/config, else the in-cluster service account. fabric8's own request retries are off: the
     * writer retries 409 and 5xx itself, with the configured budget.
     */
    public static KubernetesClient create(Path kubeconfig) {
        return new KubernetesClientBuilder().withConfig(config(kubeconfig)).build();
    }

    /**
     * The configuration {@link #create} uses.
     *
     * @throws IllegalArgumentException one line naming the kubeconfig file and what is wrong with it, for a file
     *                                  that is not YAML (or JSON) or not a kubeconfig
     */
    public static Config config(Path kubeconfig) {
        return config(kubeconfig, System.getenv());
    }

    /**
     * {@link #config(Path)} with {@code env} as the environment: without {@code kubeconfig}, a {@code KUBECONFIG}
     * that names no existing file is refused (fabric8 would silently fall back to the in-cluster service account).
     */
    static Config config(Path kubeconfig, java.util.Map<String, String> env) {
        return config(kubeconfig, env, System.getProperty("kubeconfig"));
    }

    /**
     * {@link #config(Path, java.util.Map)} with {@code property} as the {@code kubeconfig} system property, which
     * fabric8 reads before {@code KUBECONFIG}: then it is the one checked.
     */
    static Config config(Path kubeconfig, java.util.Map<String, String> env, String property) {
        return config(kubeconfig, env, property, defaultKubeconfig());
    }

    /** {@code ~/.kube/config}: the kubeconfig file fabric8 reads when none is named. */
    private static Path defaultKubeconfig() {
        return Path.of(System.getProperty("user.home"), ".kube", "config");
    }

    /**
     * Where {@link #config(Path)} takes the credentials from, in words, for the start-up log: {@code --kubeconfig},
     * {@code -Dkubeconfig}, {@code $KUBECONFIG}, {@code ~/.kube/config}, the in-cluster service account or {@code
     * kubernetes.master}, in the order fabric8 reads them.
     */
    public static String source(Path kubeconfig) {
        java.util.Map<String, String> env = System.getenv();
        String property = System.getProperty("kubeconfig");
        String variable = env.get("KUBECONFIG");
        Path home = defaultKubeconfig();
        return kubeconfig != null ? "--kubeconfig " + kubeconfig
                : property != null && !property.isBlank() ? "-Dkubeconfig=" + property
                : variable != null && !variable.isBlank() ? "$KUBECONFIG " + variable
                : Files.isRegularFile(home) ? home.toString()
                : env.get("KUBERNETES_SERVICE_HOST") != null ? "the in-cluster service account"
                : "kubernetes.master / KUBERNETES_MASTER";
    }

    /** {@link #config(Path, java.util.Map, String)} with {@code home} as the default kubeconfig file. */
    static Config config(Path kubeconfig, java.util.Map<String, String> env, String property, Path home) {
        boolean fromProperty = property != null && !property.isBlank();
        String named = fromProperty ? property : env.get("KUBECONFIG");
        if (kubeconfig == null && named != null && !named.isBlank()) {
            List<String> files = java.util.Arrays.stream(named.split(java.io.File.pathSeparator))
                    .filter(f -> !f.isBlank()).toList();
            if (!files.isEmpty() && files.stream().noneMatch(f -> Files.isRegularFile(Path.of(f)))) {
                throw new IllegalArgumentException(fromProperty
                        ? "-Dkubeconfig=" + named + ": no such file, expected a kubeconfig file (or leave the "
                                + "property out to use $KUBECONFIG or ~/.kube/config, else the in-cluster service account)"
                        : "$KUBECONFIG " + named + ": no such file, expected a kubeconfig file (or unset KUBECONFIG "
                                + "to use ~/.kube/config, else the in-cluster service account)");
            }
        }
        if (kubeconfig == null && (named == null || named.isBlank())) {
            boolean inCluster = env.get("KUBERNETES_SERVICE_HOST") != null;
            boolean master = System.getProperty("kubernetes.master") != null || env.get("KUBERNETES_MASTER") != null;
            if (!Files.isRegularFile(home) && !inCluster && !master) {
                // fabric8 would try https://kubernetes.default.svc, which does not resolve outside a cluster, for ever
                throw new IllegalArgumentException("no Kubernetes credentials: no kubeconfig (" + home + " does not "
                        + "exist, $KUBECONFIG and --kubeconfig are not set) and not in a cluster (KUBERNETES_SERVICE_HOST "
                        + "is not set); expected one of them, or --dry-run to write nothing");
            }
        }
        Config base;
        try {
            if (kubeconfig == null) {
                base = Config.autoConfigure(null);
            } else {
                // as autoConfigure does with a kubeconfig file: its current context, then the kubernetes.* system
                // properties and KUBERNETES_* environment variables on top
                base = Config.fromKubeconfig(kubeconfig.toAbsolutePath().toFile());
                Config.configFromSysPropsOrEnvVars(base);
            }
        } catch (RuntimeException e) {
            String why = problem(e);
            if (why == null && kubeconfig != null && e instanceof NullPointerException && noDocument(kubeconfig)) {
                // fabric8 reads an empty file as a null configuration
                why = "holds no YAML document, expected a kubeconfig (apiVersion, clusters, contexts, users)";
            }
            if (why == null) {
                throw e;
            }
            String file = kubeconfig != null ? "--kubeconfig " + kubeconfig
                    : "kubeconfig " + String.join(", ", Config.getKubeconfigFilenames());
            throw new IllegalArgumentException(file + ": " + why, e);
        }
        return new ConfigBuilder(base).withRequestRetryBackoffLimit(0).build();
    }

    /**
     * What is wrong with a kubeconfig file, in words (no parser class or option names), from what fabric8 threw
     * reading it; {@code null} when it is not a problem of the file's content.
     */
    private static String problem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYamlEngineException m) {
                Optional<Mark> mark = m.getProblemMark().or(m::getContextMark);
                return "not valid YAML" + mark.map(k -> " at line " + (k.getLine() + 1) + ", column "
                        + (k.getColumn() + 1)).orElse("") + ": " + ParserMessages.oneLine((m.getContext() != null
                        ? m.getContext() + ": " : "") + m.getProblem());
            }
            if (t instanceof YamlEngineException y) {
                return "not valid YAML: " + ParserMessages.oneLine(y.getMessage());
            }
            if (t instanceof StreamReadException r) {
                TokenStreamLocation at = r.getLocation();
                return "not valid JSON" + (at != null && at.getLineNr() > 0 ? " at line " + at.getLineNr()
                        + ", column " + at.getColumnNr() : "") + ": " + ParserMessages.withoutSource(ParserMessages.oneLine(r.getOriginalMessage()));
            }
            if (t instanceof JacksonException j) {
                String path = path(j.getPath());
                String expected = t instanceof MismatchedInputException mi ? kind(mi.getTargetType()) : null;
                return "not a kubeconfig: " + (path.isEmpty()
                        ? "expected a mapping (apiVersion, clusters, contexts, users, current-context)"
                        : "field '" + path + "'" + (expected != null ? ": expected " + expected
                        : " has a value of the wrong kind"));
            }
        }
        return null;
    }

    private static boolean noDocument(Path file) {
        try {
            return new Load(LoadSettings.builder().build()).loadFromString(
                    Files.readString(file, StandardCharsets.UTF_8)) == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String path(List<JacksonException.Reference> refs) {
        StringBuilder b = new StringBuilder();
        for (JacksonException.Reference r : refs) {
            if (r.getPropertyName() != null) {
                b.append(b.length() > 0 ? "." : "").append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String kind(Class<?> type) {
        if (type == null) {
            return null;
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        return "a mapping";
    }
}
