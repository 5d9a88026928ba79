package dev.tapegrad;

/**
 * Thrown in anomaly mode ({@link Tape.Option#DETECT_ANOMALY}) by the first recorded op whose
 * forward value or backward gradient holds a NaN or an infinity that its inputs did not.
 */
public final class AnomalyException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    AnomalyException(String message) {
        super(message);
    }
}
