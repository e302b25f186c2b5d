/**
 * Plots for reports (PNG line charts without a plotting library).
 */
package dev.kdrl.train.eval;
