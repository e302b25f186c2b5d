/**
 * Replays recorded actions through the environment and prints the golden-trajectory format, so anyone can check
 * the simulator against reference data.
 */
package dev.kdrl.env.replay;
