/**
 * Training and evaluation of the published Bi-LSTM traffic predictor on DL4J (chronological splits, scaler fitted
 * on the training part, baselines: last value, moving average, Holt).
 */
package dev.kdrl.train.predictor;
