/**
 * The decision cycle ({@link dev.kdrl.agent.loop.Agent}: query, record, predict, observe, decide, write, save),
 * how it is built from the configuration, where loads come from (Prometheus or a trace), the schedule, and the
 * loops that run cycles on an injectable clock ({@link dev.kdrl.agent.loop.AgentLoop}).
 */
package dev.kdrl.agent.loop;
