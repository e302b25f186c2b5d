/**
 * Episode metrics (return, steps over quota, roll-out overlap, CPU, latency per SLO, revisions, pod changes), the
 * runner that plays a policy through an episode and collects them, and their CSV/JSON writer.
 */
package dev.kdrl.env.metrics;
