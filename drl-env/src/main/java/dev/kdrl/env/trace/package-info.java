/**
 * Traffic traces: concurrent users per service and period, read from CSV with one-line errors naming file, line,
 * column and value.
 */
package dev.kdrl.env.trace;
