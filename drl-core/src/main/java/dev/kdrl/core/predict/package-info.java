/**
 * Traffic prediction in plain Java, so the live agent needs no deep-learning runtime: last value, moving average,
 * Holt's linear smoothing and the Bi-LSTM network with its scaler, saved by {@link
 * dev.kdrl.core.predict.PredictorFile}.
 */
package dev.kdrl.core.predict;
