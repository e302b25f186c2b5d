/**
 * Policies that act by a one-step search on the model scored with a learned value of the state right after the
 * decision (the post-decision state or afterstate, as in TD-Gammon): {@link dev.kdrl.env.value.AfterstatePolicy} and
 * the features its value network reads ({@link dev.kdrl.env.value.AfterstateFeatures}).
 */
package dev.kdrl.env.value;
