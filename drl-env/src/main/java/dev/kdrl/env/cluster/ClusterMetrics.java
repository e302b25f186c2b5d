package dev.kdrl.env.cluster;

import dev.kdrl.core.env.StepResult;
import dev.kdrl.core.policy.Policy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one episode of a policy on a {@link ClusterEnv} did, per service and for the namespace.
 *
 * @param policy     the policy's name
 * @param trace      the trace's source
 * @param steps      decision periods played
 * @param ret        the undiscounted return (the env's reward)
 * @param meanCores  cores the quota charged, averaged over the episode (all services)
 * @param peakCores  the highest quota use seen (cores, all services)
 * @param services   per service, in the model's order
 */
public record ClusterMetrics(String policy, String trace, int steps, double ret, double meanCores, double peakCores,
                             List<Service> services) {

    public ClusterMetrics {
        services = List.copyOf(services);
    }

    /**
     * The metrics as an ordered map with snake_case keys, the form of {@code drl evaluate --dynamics cluster --json}:
     * the keys the paper model's rows share ({@code EpisodeMetrics#toMap}) with the same meaning ({@code policy},
     * {@code trace}, {@code steps}, {@code return}, {@code mean_cpu} and {@code max_cpu} in cores charged, {@code
     * revisions_created} over all services), {@code refused_creations} and {@code cold_starts} over all services,
     * then each service's metrics as {@code <metric>_<service>}.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy", policy);
        m.put("trace", trace);
        m.put("steps", steps);
        m.put("return", ret);
        m.put("mean_cpu", meanCores);
        m.put("max_cpu", peakCores);
        m.put("revisions_created", services.stream().mapToInt(Service::revisions).sum());
        m.put("refused_creations", services.stream().mapToInt(Service::refusedCreations).sum());
        m.put("cold_starts", services.stream().mapToInt(Service::coldStarts).sum());
        for (Service s : services) {
            String n = "_" + s.name();
            m.put("time_over_slo_share" + n, s.timeOverSloShare());
            m.put("requests_over_slo_share" + n, s.requestsOverSloShare());
            m.put("p95_over_slo" + n, s.p95OverSlo());
            m.put("dropped_requests" + n, s.droppedRequests());
            m.put("dropped_share" + n, s.droppedShare());
            m.put("core_seconds" + n, s.coreSeconds());
            m.put("refused_creations" + n, s.refusedCreations());
            m.put("cold_starts" + n, s.coldStarts());
            m.put("revisions_created" + n, s.revisions());
            m.put("max_cpu" + n, s.peakCores());
        }
        return m;
    }

    /**
     * One service over the episode.
     *
     * @param name                 its name
     * @param timeOverSloShare     share of the time whose p95 exceeded the SLO (or that dropped more than 5 %)
     * @param requestsOverSloShare share of the requests over the SLO or dropped
     * @param p95OverSlo           the episode's p95 latency over the SLO (infinite when more than 5 % were dropped)
     * @param droppedRequests      requests dropped
     * @param droppedShare         share of the requests dropped
     * @param coreSeconds          CPU-core-seconds the quota charged to it
     * @param refusedCreations     pod creations refused by the quota
     * @param coldStarts           pods created for the serving revision while it had none
     * @param revisions            revisions rolled out
     * @param peakCores            the most cores charged to it at once
     */
    public record Service(String name, double timeOverSloShare, double requestsOverSloShare, double p95OverSlo,
                          double droppedRequests, double droppedShare, double coreSeconds, int refusedCreations,
                          int coldStarts, int revisions, double peakCores) {
    }

    /** Plays one episode of {@code policy} from {@code env.reset(seed)} and measures it. */
    public static ClusterMetrics run(ClusterEnv env, Policy<double[], int[]> policy, long seed) {
        int n = env.model().numServices();
        policy.reset();
        double[] obs = env.reset(seed);
        double ret = 0;
        double[] secondsOver = new double[n];
        double[] offered = new double[n];
        double[] bad = new double[n];
        double[] dropped = new double[n];
        double[] coreSeconds = new double[n];
        int[] refused = new int[n];
        int[] cold = new int[n];
        int[] revisions = new int[n];
        int steps = 0;
        boolean done = false;
        while (!done) {
            StepResult<double[]> r = env.step(policy.act(obs));
            ret += r.reward();
            ServicePeriod[] p = (ServicePeriod[]) r.info().get(ClusterEnv.PERIODS);
            for (int i = 0; i < n; i++) {
                secondsOver[i] += p[i].secondsOverSlo();
                offered[i] += p[i].offeredRequests();
                bad[i] += p[i].overSloRequests() + p[i].droppedRequests();
                dropped[i] += p[i].droppedRequests();
                coreSeconds[i] += p[i].coreSeconds();
                refused[i] += p[i].refusedCreations();
                cold[i] += p[i].coldStarts();
                revisions[i] += p[i].revisions();
            }
            steps++;
            obs = r.observation();
            done = r.done();
        }
        double seconds = steps * env.params().periodSeconds();
        List<Service> services = new ArrayList<>(n);
        double cores = 0;
        for (int i = 0; i < n; i++) {
            double slo = env.model().service(i).sloMs() / 1000;
            services.add(new Service(env.model().service(i).name(), secondsOver[i] / seconds,
                    offered[i] > 0 ? bad[i] / offered[i] : 0, env.sim().episodeP95(i) / slo, dropped[i],
                    offered[i] > 0 ? dropped[i] / offered[i] : 0, coreSeconds[i], refused[i], cold[i], revisions[i],
                    env.sim().episodePeakCharged(i)));
            cores += coreSeconds[i];
        }
        return new ClusterMetrics(policy.name(), env.trace().source(), steps, ret, cores / seconds,
                env.sim().episodePeakCharged(), services);
    }

    /** Sum of the services' refused creations. */
    public int refusedCreations() {
        return services.stream().mapToInt(Service::refusedCreations).sum();
    }

    /** Sum of the services' revisions. */
    public int revisions() {
        return services.stream().mapToInt(Service::revisions).sum();
    }

    /** Sum of the services' cold starts. */
    public int coldStarts() {
        return services.stream().mapToInt(Service::coldStarts).sum();
    }

    /** The header of {@link #row}: one line. */
    public static String header(List<String> names) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-24s %12s %9s %9s %8s %6s %5s",
                "policy", "return", "mean CPU", "peak CPU", "refused", "revs", "cold"));
        for (String s : names) {
            b.append(String.format(Locale.ROOT, " | %-5.5s %7s %7s %7s %7s", s, "t>SLO", "r>SLO", "p95/SLO", "drop%"));
        }
        return b.toString();
    }

    /** One line of a table: the namespace's figures, then each service's. */
    public String row() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-24.24s %12.2f %9.2f %9.2f %8d %6d %5d",
                policy, ret, meanCores, peakCores, refusedCreations(), revisions(), coldStarts()));
        for (Service s : services) {
            b.append(String.format(Locale.ROOT, " | %-5.5s %7.3f %7.3f %7.3f %7.2f", "", s.timeOverSloShare(),
                    s.requestsOverSloShare(), s.p95OverSlo(), 100 * s.droppedShare()));
        }
        return b.toString();
    }
}
