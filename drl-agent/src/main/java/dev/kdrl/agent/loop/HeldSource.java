package dev.kdrl.agent.loop;

/**
 * Where the agent reads what each service holds in the cluster before a decision: its newest Revision's pods and
 * the cores the namespace's quota charges it. Read when Knative's autoscaler sizes the pods ({@code apply.minScale:
 * none}), so that the policy sees the cluster as the cluster-faithful simulator showed it in training (its state
 * after a step: {@code dev.kdrl.env.cluster.ClusterEnv}); otherwise the pods are the decision's, as the paper model
 * counts them, and nothing is read.
 */
public interface HeldSource {

    /**
     * What the services hold now.
     *
     * @param pods        per service in model order: ready and starting pods of its newest Revision
     * @param cores       per service in model order: the CPU limits (cores) of all its pods the quota charges, every
     *                    Revision's, sidecars included
     * @param podOverhead per service in model order: the most cores the quota charges one pod of its newest Revision
     *                    beyond its first container's CPU limit (the queue-proxy's and other sidecars' limits, pod
     *                    overhead; what the simulator's {@code queueProxyCpu} stands for); {@code NaN} when no such
     *                    pod was read
     */
    record Held(int[] pods, double[] cores, double[] podOverhead) {
        /** Without the pods' overhead (not read: every value {@code NaN}). */
        public Held(int[] pods, double[] cores) {
            this(pods, cores, nan(pods.length));
        }

        private static double[] nan(int n) {
            double[] a = new double[n];
            java.util.Arrays.fill(a, Double.NaN);
            return a;
        }
    }

    /**
     * Reads every service.
     *
     * @throws RuntimeException when it cannot be read (the agent then observes the last decision's bookkeeping)
     */
    Held read();
}
