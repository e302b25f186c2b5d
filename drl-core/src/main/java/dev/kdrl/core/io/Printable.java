package dev.kdrl.core.io;

/**
 * Text read from a file, a server or a model made safe to quote in one line of a message or log: every control
 * character (line breaks, NUL, ESC, DEL, C1) and the Unicode line and paragraph separators written as {@code \\uXXXX},
 * so that what a file holds can neither break nor forge a line; long text cut.
 */
public final class Printable {
    private Printable() {
    }

    /**
     * {@code text} ({@code null} reads "null") with each control character and line or paragraph separator as
     * {@code \\uXXXX}, cut after {@code max} code points of {@code text} with "..." appended.
     */
    public static String escape(String text, int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0, got " + max);
        }
        int[] cps = String.valueOf(text).codePoints().toArray();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(max, cps.length); i++) {
            int c = cps[i];
            if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        }
        return cps.length > max ? b.append("...").toString() : b.toString();
    }

    /** {@code text} escaped as {@link #escape(String, int)} does, never cut. */
    public static String escape(String text) {
        return escape(text, Integer.MAX_VALUE);
    }
}
