/**
 * Operations: the health, readiness and metrics endpoints, the Micrometer metrics, and the decision-latency
 * summary of simulated runs.
 */
package dev.kdrl.agent.ops;
