/**
 * On-policy training on DL4J/ND4J: the shared rollout-and-update loop ({@link
 * dev.kdrl.train.algo.OnPolicyAlgorithm}), one class per algorithm ({@link dev.kdrl.train.algo.Trpo}, {@link
 * dev.kdrl.train.algo.Ppo}) with its configuration record, the registry of algorithm names ({@link
 * dev.kdrl.train.algo.Algorithms}), the actor and critic networks, GAE, conjugate gradient and the callbacks.
 */
package dev.kdrl.train.algo;
