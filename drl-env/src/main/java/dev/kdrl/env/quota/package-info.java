/**
 * The quota-limited Knative decision model: {@link dev.kdrl.env.quota.QuotaModel} (the bookkeeping of a decision
 * as pure functions, shared with the live agent), the environment {@link dev.kdrl.env.quota.QuotaEnv} over one
 * trace, {@link dev.kdrl.env.quota.SampledTrafficEnv} over traffic drawn per episode by a {@link
 * dev.kdrl.env.quota.TraceSampler}, and the environment signature saved with trained policies.
 */
package dev.kdrl.env.quota;
