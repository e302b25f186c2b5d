package dev.kdrl.env.profile;

import dev.kdrl.env.cluster.ClusterParams;
import dev.kdrl.env.quota.Limit;
import dev.kdrl.env.quota.QuotaModel;
import dev.kdrl.env.quota.ServiceProfile;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A cluster for the general model: the services (in action and observation order), the namespace
 * CPU quota and the minimum pod count per service.
 *
 * @param services the services, at least one, with unique names
 * @param quota    CPU cores of the namespace quota, a finite number &gt; 0
 * @param minPods  pods a service keeps at zero or tiny traffic, &gt;= 0
 * @param cluster  the cluster-faithful dynamics' parameters (the file's {@code cluster:} keys), or {@code null} when
 *                 the file has none ({@link #clusterParams()} then gives the defaults)
 */
public record ClusterSpec(List<ServiceProfile> services, double quota, int minPods, ClusterParams cluster) {

    /** The minimum pod count when a profile does not say. */
    public static final int DEFAULT_MIN_PODS = 1;

    /** A cluster without dynamics parameters. */
    public ClusterSpec(List<ServiceProfile> services, double quota, int minPods) {
        this(services, quota, minPods, null);
    }

    public ClusterSpec {
        if (services == null || services.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one service");
        }
        services = List.copyOf(services);
        Set<String> names = new HashSet<>();
        for (ServiceProfile s : services) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("service names must be unique, '" + s.name() + "' appears twice");
            }
        }
        if (!(quota > 0) || Double.isInfinite(quota)) {
            throw new IllegalArgumentException("quota must be a finite number > 0, got " + quota);
        }
        Limit.QUOTA.require("quota", quota);
        if (minPods < 0) {
            throw new IllegalArgumentException("minPods must be >= 0, got " + minPods);
        }
    }

    /**
     * The general model (no quirks) of this cluster: {@code QuotaModel.general(services, quota, minPods)}.
     *
     * @throws IllegalArgumentException if no decision can keep the quota (a service's smallest configuration does not
     *                                  fit under it, or the services' {@code minPods} pods alone exceed it), naming
     *                                  the service and the cores
     */
    public QuotaModel toModel() {
        return toModel("cluster");
    }

    /** {@link #toModel()}, naming the cluster {@code name} (e.g. {@code profile 'own.yaml'}) in its refusal. */
    QuotaModel toModel(String name) {
        return QuotaModel.general(services, quota, minPods, name);
    }

    /** The same cluster with another quota. */
    public ClusterSpec withQuota(double newQuota) {
        return new ClusterSpec(services, newQuota, minPods, cluster);
    }

    /** The same cluster with another minimum pod count. */
    public ClusterSpec withMinPods(int newMinPods) {
        return new ClusterSpec(services, quota, newMinPods, cluster);
    }

    /** The dynamics' parameters: the file's, else {@link ClusterParams#DEFAULTS}. */
    public ClusterParams clusterParams() {
        return cluster == null ? ClusterParams.DEFAULTS : cluster;
    }

    public int numServices() {
        return services.size();
    }

    public List<String> serviceNames() {
        return services.stream().map(ServiceProfile::name).toList();
    }
}
