package io.herald.subscriptions.internal;

/** What the endpoint made of one handshake request: any 2xx validates, everything else is a failed attempt. */
sealed interface HandshakeOutcome {

    record Accepted(int status) implements HandshakeOutcome {
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
