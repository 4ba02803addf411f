package io.herald.subscriptions;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What one request of {@link OutboundHttp} came to, with how long it took. */
public sealed interface OutboundResult {

    long latencyMillis();

    /**
     * The endpoint answered (any status: redirects are not followed).
     *
     * @param retryAfter the {@code Retry-After} header as sent, if any
     * @param excerpt    the first bytes of the answer's body as UTF-8, empty when there was none
     * @param webhook    the answer's CloudEvents web hook headers ({@code WebHook-*}), by lower-case name
     */
    record Answered(int status, Optional<String> retryAfter, String excerpt, long latencyMillis, Map<String, String> webhook)
            implements OutboundResult {

        public Answered {
            Objects.requireNonNull(retryAfter, "retryAfter");
            Objects.requireNonNull(excerpt, "excerpt");
            webhook = Map.copyOf(webhook);
        }

        public Answered(int status, Optional<String> retryAfter, String excerpt, long latencyMillis) {
            this(status, retryAfter, excerpt, latencyMillis, Map.of());
        }

        /** A {@code WebHook-*} header of the answer, whatever its case, or null. */
        public String webhookHeader(String name) {
            return webhook.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /**
     * No answer came: a timeout, a refused or reset connection, a TLS failure, a name that does not resolve.
     *
     * @param errorClass the failure's kind as the JDK names it, e.g. {@code ConnectException}, {@code SocketTimeoutException}
     * @param message    the failure's message, possibly {@code null}
     */
    record Failed(String errorClass, String message, long latencyMillis) implements OutboundResult {

        public Failed {
            Objects.requireNonNull(errorClass, "errorClass");
        }
    }

    /** The outbound guard refused every connection to the endpoint's host; nothing was sent. */
    record Refused(String reason, long latencyMillis) implements OutboundResult {

        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
