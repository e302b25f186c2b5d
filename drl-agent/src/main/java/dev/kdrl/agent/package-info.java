/**
 * The live agent's entry point: {@link dev.kdrl.agent.AgentMain} parses the command line and wires the
 * configuration, Prometheus, the store, Kubernetes and the loop together.
 */
package dev.kdrl.agent;
