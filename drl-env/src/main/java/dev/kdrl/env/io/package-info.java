/**
 * Small text-format helpers shared by the CSV readers of this module (line, column and value in every error).
 */
package dev.kdrl.env.io;
