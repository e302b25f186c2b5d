package dev.kdrl.env.quota;

import dev.kdrl.env.trace.Trace;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Everything the dynamics need to take the next decision: the previous decision's bookkeeping and the
 * traffic the next decision serves. In the simulator the traffic comes from the trace; in the live agent
 * it is the predicted load of the coming period. Immutable: arrays are copied in and out.
 *
 * @param step        decisions taken so far in this episode
 * @param prevAction  configuration index per service of the previous decision
 * @param prevPod     pod count per service after the previous decision
 * @param prevRes     CPU cores held per service after the previous decision
 * @param traffic     concurrent users per service that the next decision serves, each {@code >= 0} and {@code <=}
 *                    {@link Trace#MAX_VALUE} (refused otherwise, as negative pods or held cores are)
 * @param observation what a policy sees in this state (see {@link QuotaModel#observation})
 */
public record QuotaState(int step, int[] prevAction, int[] prevPod, double[] prevRes, double[] traffic,
                         double[] observation) {

    /**
     * The state {@code source} gives, for a planner about to decide in it.
     *
     * @throws IllegalStateException if there is none yet: the environment has not been reset (a planner reads the
     *                               state of the environment it was built on, not the observation it is given)
     */
    public static QuotaState current(Supplier<QuotaState> source) {
        QuotaState s = source.get();
        if (s == null) {
            throw new IllegalStateException("no state to decide in: reset the environment before the first decision "
                    + "(a planner reads the state of the environment it was built on, not the observation it is given)");
        }
        return s;
    }


    public QuotaState {
        int n = prevAction.length;
        if (prevPod.length != n || prevRes.length != n || traffic.length != n || observation.length != 3 * n) {
            throw new IllegalArgumentException("state arrays must have one entry per service (" + n
                    + ") and the observation three: got prevPod " + prevPod.length + ", prevRes " + prevRes.length
                    + ", traffic " + traffic.length + ", observation " + observation.length);
        }
        for (int i = 0; i < n; i++) {
            if (!(traffic[i] >= 0 && traffic[i] <= Trace.MAX_VALUE)) {
                throw new IllegalArgumentException("traffic[" + i + "] is " + traffic[i] + " (expected a load >= 0 and "
                        + "<= " + (long) Trace.MAX_VALUE + ")");
            }
            if (prevPod[i] < 0) {
                throw new IllegalArgumentException("prevPod[" + i + "] is " + prevPod[i] + " (expected a pod count >= 0)");
            }
            if (!(prevRes[i] >= 0 && prevRes[i] < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("prevRes[" + i + "] is " + prevRes[i] + " (expected cores >= 0, "
                        + "finite)");
            }
        }
        prevAction = prevAction.clone();
        prevPod = prevPod.clone();
        prevRes = prevRes.clone();
        traffic = traffic.clone();
        observation = observation.clone();
    }

    @Override
    public int[] prevAction() {
        return prevAction.clone();
    }

    @Override
    public int[] prevPod() {
        return prevPod.clone();
    }

    @Override
    public double[] prevRes() {
        return prevRes.clone();
    }

    @Override
    public double[] traffic() {
        return traffic.clone();
    }

    @Override
    public double[] observation() {
        return observation.clone();
    }

    public int numServices() {
        return prevAction.length;
    }

    int prevAction(int i) {
        return prevAction[i];
    }

    int prevPod(int i) {
        return prevPod[i];
    }

    double prevRes(int i) {
        return prevRes[i];
    }

    double traffic(int i) {
        return traffic[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuotaState s && step == s.step && Arrays.equals(prevAction, s.prevAction)
                && Arrays.equals(prevPod, s.prevPod) && Arrays.equals(prevRes, s.prevRes)
                && Arrays.equals(traffic, s.traffic) && Arrays.equals(observation, s.observation);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(new Object[] {step, prevAction, prevPod, prevRes, traffic, observation});
    }

    @Override
    public String toString() {
        return "QuotaState[step=" + step + ", prevAction=" + Arrays.toString(prevAction) + ", prevPod="
                + Arrays.toString(prevPod) + ", prevRes=" + Arrays.toString(prevRes) + ", traffic="
                + Arrays.toString(traffic) + "]";
    }
}
