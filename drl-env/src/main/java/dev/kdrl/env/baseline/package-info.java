/**
 * Policies to compare a trained one with, all behind drl-core's {@code Policy}: fixed configurations, random, the
 * usage-based hybrid autoscaler, the one-step {@link dev.kdrl.env.baseline.GreedyPolicy}, look-ahead-k, and the
 * exact offline optimum ({@link dev.kdrl.env.baseline.OptimalPlanner}, a grouped forward dynamic programme);
 * {@link dev.kdrl.env.baseline.Baselines} plays them all on a trace.
 */
package dev.kdrl.env.baseline;
