package dev.kdrl.env.io;

import java.time.Duration;

/**
 * A duration read by {@link YamlReader} with the text it was written as, for messages that quote the file: a
 * component of this type reads what a {@code Duration} component reads.
 *
 * @param value    the duration
 * @param written  the scalar as the file wrote it ({@code 5000}, {@code 500ms}, {@code 2m}; a quoted one without
 *                 its quotes); a float as Java writes it, without an exponent when short ({@code 0.5}, {@code 0.0005},
 *                 {@code 1.0E300})
 * @param unitless whether it had no unit ({@code 5000}, {@code '2.5'}), so was read as seconds
 */
public record WrittenDuration(Duration value, String written, boolean unitless) {
}
