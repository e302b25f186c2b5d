/**
 * Small text-format helpers shared by the readers of this module and the agent: {@code CsvText} for the CSV
 * readers (line, column and value in every error) and {@code YamlReader}, which binds a YAML document to a record
 * with Jackson (path, value and expectation in every error).
 */
package dev.kdrl.env.io;
