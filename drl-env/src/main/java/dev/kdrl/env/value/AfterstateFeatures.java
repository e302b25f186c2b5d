package dev.kdrl.env.value;

import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.QuotaState;
import dev.kdrl.env.quota.ServiceProfile;
import dev.kdrl.env.quota.Transition;

/**
 * What the value network of an {@link AfterstatePolicy} reads of the state right after a decision: per service, in
 * service order, the configuration one-hot ({@code nvec[i]} values), the pods, the held cores over the quota, the
 * load the decision served (the best guess of the next period's when the load persists) and the cores the held
 * configuration would request for it over the quota; then the namespace's held cores over the quota and 1 when the
 * next decision is the published environment's special final step (else 0). Every value is known to the live agent.
 */
public final class AfterstateFeatures {

    /** The name recorded as the observation of an afterstate model's signature. */
    public static final String OBSERVATION = "afterstate";

    private AfterstateFeatures() {
    }

    /** Number of features for {@code model}. */
    public static int size(QuotaModel model) {
        int size = 2;
        for (ServiceProfile s : model.services()) {
            size += s.numActions() + 4;
        }
        return size;
    }

    /**
     * The features of the state after {@code decision} was taken in {@code before}, written to {@code out} (length
     * {@link #size}).
     */
    public static void write(QuotaModel model, QuotaState before, Transition decision, double[] out) {
        java.util.Arrays.fill(out, 0);
        double q = model.quota();
        int[] action = decision.action();
        int[] pods = decision.pods();
        double[] res = decision.resources();
        double[] traffic = before.traffic();
        int k = 0;
        double held = 0;
        for (int i = 0; i < model.numServices(); i++) {
            ServiceProfile s = model.service(i);
            out[k + action[i]] = 1;
            k += s.numActions();
            out[k++] = pods[i];
            out[k++] = model.store(res[i]) / q;
            out[k++] = traffic[i];
            int needed = model.podsNeeded(i, action[i], traffic[i]);
            out[k++] = model.requestedCores(needed, s.config(action[i]).cpu()) / q;
            held += res[i];
        }
        out[k++] = held / q;
        out[k] = model.isPaperFinalStep(before.step() + 1) ? 1 : 0;
    }

    /** {@link #write} into a fresh array. */
    public static double[] of(QuotaModel model, QuotaState before, Transition decision) {
        double[] out = new double[size(model)];
        write(model, before, decision, out);
        return out;
    }
}
