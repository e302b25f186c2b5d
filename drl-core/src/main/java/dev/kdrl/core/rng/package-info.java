/**
 * Explicit, seeded randomness: {@link dev.kdrl.core.rng.Rng}, split per component (weights, sampling, minibatches,
 * resets) instead of one global generator.
 */
package dev.kdrl.core.rng;
