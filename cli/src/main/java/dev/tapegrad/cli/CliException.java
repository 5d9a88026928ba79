package dev.tapegrad.cli;

/**
 * An error the user can fix (a bad argument, a missing or corrupt file, an impossible layer
 * size). The command prints its message as one line on standard error and exits with a non-zero
 * code, never a stack trace.
 */
public final class CliException extends RuntimeException {

    /** @param message one line saying what is wrong and, where possible, what to do */
    public CliException(String message) {
        super(message);
    }
}
