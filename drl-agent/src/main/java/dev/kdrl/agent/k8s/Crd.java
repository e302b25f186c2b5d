package dev.kdrl.agent.k8s;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** The {@code DRLScaleAction} CRD, bundled (the same file as {@code deploy/crd.yaml}), for {@code --install-crd}. */
public final class Crd {
    /** Classpath location of the bundled CRD. */
    public static final String RESOURCE = "/dev/kdrl/agent/k8s/drlscaleaction-crd.yaml";
    /** Its metadata.name. */
    public static final String NAME = ScaleActionSpec.PLURAL + "." + ScaleActionSpec.GROUP;

    private Crd() {
    }

    /** The bundled CRD. */
    public static CustomResourceDefinition bundled(KubernetesClient client) {
        try (InputStream in = Crd.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("bundled CRD " + RESOURCE + " missing from the jar");
            }
            return client.apiextensions().v1().customResourceDefinitions().load(in).item();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates or updates the CRD and, when {@code waitEstablished}, waits (up to 30 s) until the API server
     * reports it Established.
     */
    public static void install(KubernetesClient client, boolean waitEstablished) {
        CustomResourceDefinition crd = bundled(client);
        try {
            client.apiextensions().v1().customResourceDefinitions().resource(crd)
                    .createOr(NonDeletingOperation::update);
        } catch (KubernetesClientException e) {
            throw new ApiFailure("--install-crd: the API server " + (e.getCode() == 403
                    ? "refused (403) to create or update CustomResourceDefinition " + NAME + ": it needs cluster-wide "
                            + "create and update on customresourcedefinitions, which the deploy/rbac*.yaml roles do "
                            + "not grant: apply deploy/crd.yaml once as a cluster administrator instead, and drop "
                            + "--install-crd"
                    : "could not create or update CustomResourceDefinition " + NAME + ": " + ApiErrors.brief(e)), e);
        }
        if (!waitEstablished) {
            return;
        }
        awaitEstablished(client, 30);
    }

    /** Waits until the API server reports the CRD Established. */
    public static void awaitEstablished(KubernetesClient client, int seconds) {
        client.apiextensions().v1().customResourceDefinitions().withName(NAME)
                .waitUntilCondition(Crd::isEstablished, seconds, TimeUnit.SECONDS);
    }

    /** Whether {@code crd} has the condition {@code Established=True}. */
    public static boolean isEstablished(CustomResourceDefinition crd) {
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream().anyMatch(
                        c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
