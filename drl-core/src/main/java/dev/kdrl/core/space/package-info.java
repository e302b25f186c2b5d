/**
 * Observation and action spaces ({@link dev.kdrl.core.space.Discrete}, {@link dev.kdrl.core.space.MultiDiscrete},
 * {@link dev.kdrl.core.space.Box}): seeded sampling and membership checks.
 */
package dev.kdrl.core.space;
