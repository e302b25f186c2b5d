package dev.kdrl.core.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Why a file operation failed, in words a user reads in a one-line error. {@code java.nio.file} reports a missing
 * file as a {@link NoSuchFileException} whose message is only the path, so {@code "cannot read " + file + ": " +
 * e.getMessage()} says the path twice and never that the file does not exist; {@link #of} names the reason instead.
 */
public final class IoReasons {
    private IoReasons() {
    }

    /**
     * The reason {@code e} gives, without the path it names: "no such file", "permission denied", "already exists",
     * "not a directory", "not UTF-8 text" (a file that is not UTF-8), or the file system's own reason; for other
     * exceptions their message (their class name when they have none).
     */
    public static String of(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.charset.CharacterCodingException) {
                // the decoder's own message is only "Input length = 1"
                return "not UTF-8 text (expected a text file saved as UTF-8)";
            }
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemException fse) {
            // e.g. "Is a directory": getReason() is the operating system's words; getMessage() adds the path again
            String reason = fse.getReason();
            if (reason != null && !reason.isBlank()) {
                return reason;
            }
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
