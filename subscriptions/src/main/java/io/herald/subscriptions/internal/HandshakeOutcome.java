package io.herald.subscriptions.internal;

/**
 * What the endpoint made of one handshake: a 2xx to the validation event, or consent in the
 * CloudEvents web hook handshake, validates; everything else is a failed attempt.
 */
sealed interface HandshakeOutcome {

    /**
     * @param how         which handshake the endpoint accepted, for the log
     * @param allowedRate the requests per minute it allowed ({@code WebHook-Allowed-Rate}); null: no limit
     */
    record Accepted(int status, String how, Integer allowedRate) implements HandshakeOutcome {
    }

    /** @param reason what went wrong, for the subscriber to read: a status or an error, never a secret */
    record Failed(String reason) implements HandshakeOutcome {

        static final int MAX_REASON_LENGTH = 500;

        public Failed {
            if (reason.length() > MAX_REASON_LENGTH) {
                reason = reason.substring(0, MAX_REASON_LENGTH);
            }
        }
    }
}
