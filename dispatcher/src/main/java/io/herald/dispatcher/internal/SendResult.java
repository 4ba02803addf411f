package io.herald.dispatcher.internal;

/**
 * What one POST to an endpoint came to: a status (or {@code -1} when no answer came), the
 * {@code Retry-After} header, how long it took, a short excerpt of the answer, and the error when
 * the request failed (its class and message, never a secret).
 */
public record SendResult(int status, String retryAfter, long latencyMillis, String excerpt, String errorClass, String error) {

    static final int NO_ANSWER = -1;

    public boolean answered() {
        return status != NO_ANSWER;
    }
}
