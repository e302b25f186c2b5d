/**
 * Network passes for training on ND4J without per-call native allocation ({@link dev.kdrl.train.nn.MlpOps}, {@link
 * dev.kdrl.train.nn.AdamOps}, {@link dev.kdrl.train.nn.NdCopy}), and the export of DL4J networks to drl-core's
 * plain-Java form ({@link dev.kdrl.train.nn.Dl4jMlp}).
 */
package dev.kdrl.train.nn;
