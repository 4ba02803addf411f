package io.herald.dispatcher;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What happened when Herald tried to deliver once. {@link RetryPolicy} turns an outcome into a
 * {@link RetryDecision}; this type only records the facts.
 */
public sealed interface DeliveryOutcome {

    /** A short description for attempt records and dead-letter reasons, e.g. {@code HTTP 503}. */
    String summary();

    /**
     * The outcome of an HTTP response: {@link Delivered} for a 2xx status, {@link HttpFailure}
     * for any other.
     *
     * @param retryAfter the response's {@code Retry-After}, as {@link RetryPolicy#parseRetryAfter} read it
     */
    static DeliveryOutcome ofResponse(int status, Optional<Duration> retryAfter) {
        return status >= 200 && status <= 299 ? new Delivered(status) : new HttpFailure(status, retryAfter);
    }

    /** The endpoint answered with a 2xx status within the timeout. */
    record Delivered(int status) implements DeliveryOutcome {

        public Delivered {
            if (status < 200 || status > 299) {
                throw new IllegalArgumentException("a delivered status must be 2xx but was " + status);
            }
        }

        @Override
        public String summary() {
            return "HTTP " + status;
        }
    }

    /**
     * The endpoint answered with a status other than 2xx (redirects included: Herald does not
     * follow them).
     *
     * @param retryAfter how long the endpoint asked Herald to wait, if it sent a usable {@code Retry-After}
     */
    record HttpFailure(int status, Optional<Duration> retryAfter) implements DeliveryOutcome {

        public HttpFailure {
            // Some servers answer with non-standard codes such as 999; any three digits are recorded.
            if (status < 100 || status > 999 || (status >= 200 && status <= 299)) {
                throw new IllegalArgumentException(
                        "an HTTP failure status must be a three-digit code other than 2xx but was " + status);
            }
            Objects.requireNonNull(retryAfter, "retryAfter");
            if (retryAfter.isPresent() && retryAfter.get().isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative but was " + retryAfter.get());
            }
        }

        /** A failure without a {@code Retry-After}. */
        public HttpFailure(int status) {
            this(status, Optional.empty());
        }

        @Override
        public String summary() {
            return "HTTP " + status;
        }
    }

    /**
     * No HTTP response arrived: a timeout, a refused or reset connection, a TLS failure, a name
     * that does not resolve.
     *
     * @param errorClass the failure's kind, usually the exception's class name, e.g. {@code java.net.http.HttpTimeoutException}
     */
    record NetworkFailure(String errorClass) implements DeliveryOutcome {

        public NetworkFailure {
            requireText(errorClass, "errorClass");
        }

        @Override
        public String summary() {
            return errorClass;
        }
    }

    /**
     * Herald would not send the request and never will, e.g. because the endpoint resolves to an
     * address the outbound guard blocks.
     *
     * @param reason why, in words a subscriber understands
     */
    record Refused(String reason) implements DeliveryOutcome {

        public Refused {
            requireText(reason, "reason");
        }

        @Override
        public String summary() {
            return "refused: " + reason;
        }
    }

    /**
     * The channel's service said the recipient is gone for good, e.g. a push service answering 404
     * or 410 for a push subscription that expired or was unsubscribed: the subscription is disabled.
     *
     * @param status the HTTP status that said so
     * @param reason what the subscription's owner is told
     */
    record Gone(int status, String reason) implements DeliveryOutcome {

        public Gone {
            requireText(reason, "reason");
        }

        @Override
        public String summary() {
            return "HTTP " + status + ": " + reason;
        }
    }

    /**
     * The channel's service refused this message for good, e.g. an SMS gateway's 400 for a number
     * that is no valid mobile number: sending it again cannot help, so it is dead-lettered at once
     * (the subscription stays, its other messages may go through).
     *
     * @param status the HTTP status that said so
     * @param reason why, as the service said it (never a secret or a phone number)
     */
    record Rejected(int status, String reason) implements DeliveryOutcome {

        public Rejected {
            requireText(reason, "reason");
        }

        @Override
        public String summary() {
            return "HTTP " + status + ": " + reason;
        }
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank but was " + (value == null ? "null" : "\"" + value + "\""));
        }
    }
}
