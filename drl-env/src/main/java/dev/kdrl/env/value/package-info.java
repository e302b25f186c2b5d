/**
 * Policies that act by a one- or two-step search on the model scored with a learned value of the state right after a decision
 * (the post-decision state or afterstate, as in TD-Gammon): {@link dev.kdrl.env.value.AfterstatePolicy} and the
 * features its value network reads ({@link dev.kdrl.env.value.AfterstateFeatures}); and {@link
 * dev.kdrl.env.value.SavedPolicies}, which puts any saved policy to work on a model the same way for {@code drl
 * evaluate} and the live agent.
 */
package dev.kdrl.env.value;
