/**
 * Service profiles and quota from YAML or CSV files, and {@link dev.kdrl.env.profile.Profiles}: the one place that
 * turns {@code paper}, {@code paper-general} or a file into a model, used by {@code drl} and the live agent.
 */
package dev.kdrl.env.profile;
