package io.herald.subscriptions;

import java.util.Locale;
import java.util.Objects;

/**
 * How a subscription's events are pushed.
 *
 * @param contentType  the {@code Content-Type} of each POST: the event in structured mode either way
 * @param allowedRate  the requests per minute the endpoint allowed in the CloudEvents web hook
 *                     handshake ({@code WebHook-Allowed-Rate}); null when it set no limit
 */
public record PushOptions(ContentType contentType, Integer allowedRate) {

    /** {@code application/cloudevents+json}, no rate limit. */
    public static final PushOptions DEFAULT = new PushOptions(ContentType.CLOUDEVENTS_JSON, null);

    public PushOptions {
        Objects.requireNonNull(contentType, "contentType");
        if (allowedRate != null && allowedRate < 1) {
            throw new IllegalArgumentException("allowedRate must be at least 1 request per minute but was " + allowedRate);
        }
    }

    /** The media types a subscriber may choose for its pushes. */
    public enum ContentType {
        /** The default: the CloudEvents structured-mode media type. */
        CLOUDEVENTS_JSON("application/cloudevents+json", "application/cloudevents+json"),
        /** What the platform sends, for receivers that read only {@code application/json} (Express's {@code express.json()}). */
        JSON("application/json", "application/json; charset=utf-8");

        private final String mediaType;
        private final String header;

        ContentType(String mediaType, String header) {
            this.mediaType = mediaType;
            this.header = header;
        }

        /** As stored and shown, e.g. {@code application/json}. */
        public String mediaType() {
            return mediaType;
        }

        /** The {@code Content-Type} header value sent. */
        public String header() {
            return header;
        }

        /** The content type a media type names (case and parameters such as {@code charset} aside), or null. */
        public static ContentType of(String mediaType) {
            if (mediaType == null) {
                return null;
            }
            int parameters = mediaType.indexOf(';');
            String bare = (parameters < 0 ? mediaType : mediaType.substring(0, parameters)).strip().toLowerCase(Locale.ROOT);
            for (ContentType type : values()) {
                if (type.mediaType.equals(bare)) {
                    return type;
                }
            }
            return null;
        }
    }
}
