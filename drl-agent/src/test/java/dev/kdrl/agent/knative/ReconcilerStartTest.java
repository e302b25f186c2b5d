package dev.kdrl.agent.knative;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kdrl.agent.k8s.ApiFailure;
import dev.kdrl.agent.k8s.Crd;
import dev.kdrl.agent.k8s.MockKube;
import dev.kdrl.agent.k8s.ScaleActionSpec;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the agent needs from the cluster before it starts, refused: one line saying what to fix (fabric8 alone logs
 * a stack trace from the informer's thread, or throws one out of main).
 */
class ReconcilerStartTest {
    static final String LIST = "/apis/" + ScaleActionSpec.GROUP + "/" + ScaleActionSpec.VERSION
            + "/namespaces/default/" + ScaleActionSpec.PLURAL + "?limit=1";

    @Test
    void aMissingCrdOrNoRightToListIsOneLineSayingWhatToFix() throws Exception {
        try (MockKube kube = new MockKube()) {
            kube.server.expect().get().withPath(LIST).andReturn(404, new StatusBuilder().withCode(404)
                    .withMessage("the server could not find the requested resource").build()).once();
            kube.server.expect().get().withPath(LIST).andReturn(403, new StatusBuilder().withCode(403)
                    .withMessage("drlscaleactions is forbidden: User \"x\" cannot list resource").build()).once();
            Reconciler r = new Reconciler(kube.client, "default", List.of(), null, Duration.ofSeconds(60));
            assertThatThrownBy(r::start).isInstanceOf(ApiFailure.class).hasMessage("the API server has no "
                    + "drlscaleactions." + ScaleActionSpec.GROUP + " in namespace default (404): install the CRD "
                    + "(deploy/crd.yaml or --install-crd) and check the namespace");
            assertThatThrownBy(r::start).isInstanceOf(ApiFailure.class).hasMessage("the API server refused (403) to "
                    + "list drlscaleactions." + ScaleActionSpec.GROUP + " in namespace default: grant get, list, watch "
                    + "on it and patch on its status (deploy/rbac-reconciler.yaml); drlscaleactions is forbidden: "
                    + "User \"x\" cannot list resource");
        }
    }

    @Test
    void installingTheCrdWithoutTheRightSaysHowElse() throws Exception {
        try (MockKube kube = new MockKube()) {
            kube.server.expect().post().withPath("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")
                    .andReturn(403, new StatusBuilder().withCode(403).withMessage("forbidden").build()).always();
            assertThatThrownBy(() -> Crd.install(kube.client, false)).isInstanceOf(ApiFailure.class).hasMessage(
                    "--install-crd: the API server refused (403) to create or update CustomResourceDefinition "
                            + Crd.NAME + ": it needs cluster-wide create and update on customresourcedefinitions, "
                            + "which the deploy/rbac*.yaml roles do not grant: apply deploy/crd.yaml once as a "
                            + "cluster administrator instead, and drop --install-crd");
        }
    }
}
