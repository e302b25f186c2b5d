/**
 * The agent's YAML configuration, validated at start with one-line errors naming file, field path, value and rule,
 * and the PromQL query templates.
 */
package dev.kdrl.agent.config;
