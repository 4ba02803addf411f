package io.herald.dispatcher.internal;

/**
 * What one POST to an endpoint came to: a status (or {@code -1} when no answer came), the
 * {@code Retry-After} header, how long it took, a short excerpt of the answer, and the error when
 * the request failed (its class and message, never a secret). A request the outbound guard
 * refused has the error class {@value #REFUSED} and the reason as its message.
 */
public record SendResult(int status, String retryAfter, long latencyMillis, String excerpt, String errorClass, String error) {

    static final int NO_ANSWER = -1;
    static final String REFUSED = "Refused";

    /** The outbound guard would not let the request be sent (checked before it, or when connecting). */
    public static SendResult refused(String reason, long latencyMillis) {
        return new SendResult(NO_ANSWER, null, latencyMillis, null, REFUSED, reason);
    }

    public boolean answered() {
        return status != NO_ANSWER;
    }

    public boolean refused() {
        return !answered() && REFUSED.equals(errorClass);
    }
}
