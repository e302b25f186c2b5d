/**
 * Policies to compare a trained one with, all behind drl-core's {@code Policy}: fixed configurations, random, the
 * usage-based hybrid autoscaler, the one-step {@link dev.kdrl.env.baseline.GreedyPolicy}, the non-clairvoyant
 * {@link dev.kdrl.env.baseline.ExpectedValuePolicy} ({@code expected-2}: greedy plus the expected next step over an
 * {@link dev.kdrl.env.baseline.EmpiricalTraffic} distribution), look-ahead-k, and the exact offline optimum
 * ({@link dev.kdrl.env.baseline.OptimalPlanner}, a grouped forward dynamic programme). {@link
 * dev.kdrl.env.baseline.Planners} names them all, for the command line and the live agent;
 * {@link dev.kdrl.env.baseline.Baselines} plays them all on a trace.
 */
package dev.kdrl.env.baseline;
