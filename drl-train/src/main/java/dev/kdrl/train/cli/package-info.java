/**
 * The {@code drl} command line (picocli): one class per subcommand.
 */
package dev.kdrl.train.cli;
