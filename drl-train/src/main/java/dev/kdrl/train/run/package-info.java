/**
 * One training run as {@code drl train} does it ({@link dev.kdrl.train.run.TrainingRun}: environments, algorithm,
 * callbacks, output files) and the training traffic mixture ({@link dev.kdrl.train.run.MixedTraces}).
 */
package dev.kdrl.train.run;
