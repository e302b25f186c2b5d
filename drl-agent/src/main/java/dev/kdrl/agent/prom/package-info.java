/**
 * The Prometheus HTTP client: instant queries with per-attempt timeouts, retries only for transient failures, and
 * named failure kinds counted in the metrics.
 */
package dev.kdrl.agent.prom;
