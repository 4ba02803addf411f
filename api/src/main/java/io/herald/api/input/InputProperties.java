package io.herald.api.input;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits on the request line ({@code herald.input.*}); docs/configuration.md lists them.
 *
 * @param maxQueryLength the longest query string, in characters as sent (percent-escapes count as
 *                       three); longer is refused with 414. Paged answers repeat the URL twice in their
 *                       response headers ({@code next} and {@code Link}), so it must stay well below half
 *                       of the server's response header size (8 KB by default).
 */
@ConfigurationProperties("herald.input")
public record InputProperties(@DefaultValue("2048") int maxQueryLength) {

    public InputProperties {
        if (maxQueryLength < 256 || maxQueryLength > 3000) {
            throw new IllegalArgumentException("herald.input.max-query-length must be between 256 and 3000 but was " + maxQueryLength);
        }
    }
}
