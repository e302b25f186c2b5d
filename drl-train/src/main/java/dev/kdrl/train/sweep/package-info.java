/**
 * Sweeps: many {@code drl train} settings and seeds from one YAML file ({@link dev.kdrl.train.sweep.SweepFile}),
 * run locally as separate processes ({@link dev.kdrl.train.sweep.SweepRunner}) and summed up per setting
 * ({@link dev.kdrl.train.sweep.SweepReport}).
 */
package dev.kdrl.train.sweep;
