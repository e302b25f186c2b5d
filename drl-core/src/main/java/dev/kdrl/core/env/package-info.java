/**
 * The environment contract (Gymnasium's): {@link dev.kdrl.core.env.Env} with {@code reset(seed)} and {@code
 * step(action)} returning a {@link dev.kdrl.core.env.StepResult} with separate terminated and truncated flags,
 * vectorised environments ({@link dev.kdrl.core.env.SyncVecEnv}) and {@link dev.kdrl.core.env.EnvChecker}, which
 * every environment passes in its tests.
 */
package dev.kdrl.core.env;
