/**
 * Policies and their saved form: the {@link dev.kdrl.core.policy.Policy} contract, plain-Java networks ({@link
 * dev.kdrl.core.policy.Mlp}), the multi-categorical and joint-Q actor heads, the observation normaliser, the
 * environment signature a policy was trained for, and {@link dev.kdrl.core.policy.PolicyFile}, which saves and
 * loads them and refuses a policy made for another environment.
 */
package dev.kdrl.core.policy;
