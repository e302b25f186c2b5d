/**
 * RL4J's DQN on the environment (as an RL4J {@code MDP}, the joint action flattened) and the export of its
 * Q-network to drl-core's saved-policy format.
 */
package dev.kdrl.train.rl4j;
