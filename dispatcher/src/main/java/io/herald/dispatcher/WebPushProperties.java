package io.herald.dispatcher;

import java.time.Duration;
import java.util.Base64;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code herald.web-push.*}: Herald's VAPID key pair (RFC 8292) and what every push message
 * carries. Without both keys Web Push subscriptions cannot be created and their deliveries are
 * refused. Listed in docs/configuration.md.
 *
 * @param vapidPublicKey  base64url of the uncompressed P-256 public key (65 bytes): the
 *                        {@code applicationServerKey} subscribers' browsers subscribe with
 * @param vapidPrivateKey base64url of the 32-byte private key (a secret: from the environment or a vault)
 * @param vapidSubject    how a push service contacts the operator: a {@code mailto:} or {@code https:} URI
 * @param ttl             how long a push service keeps a message for a device that is offline ({@code TTL})
 * @param urgency         {@code very-low}, {@code low}, {@code normal} or {@code high} ({@code Urgency})
 * @param link            the link each message carries, {@code {id}} replaced by the event's id; empty for none
 */
@ConfigurationProperties("herald.web-push")
public record WebPushProperties(
        String vapidPublicKey,
        String vapidPrivateKey,
        @DefaultValue("mailto:operator@herald.invalid") String vapidSubject,
        @DefaultValue("24h") Duration ttl,
        @DefaultValue("normal") String urgency,
        @DefaultValue("") String link) {

    private static final Set<String> URGENCIES = Set.of("very-low", "low", "normal", "high");

    public WebPushProperties {
        if ((vapidPublicKey == null || vapidPublicKey.isBlank()) != (vapidPrivateKey == null || vapidPrivateKey.isBlank())) {
            throw new IllegalStateException("herald.web-push.vapid-public-key and herald.web-push.vapid-private-key are set "
                    + "together or not at all");
        }
        if (configured()) {
            requireBase64Url(vapidPublicKey, 65, "vapid-public-key");
            requireBase64Url(vapidPrivateKey, 32, "vapid-private-key");
        }
        if (!URGENCIES.contains(urgency)) {
            throw new IllegalStateException("herald.web-push.urgency must be one of very-low, low, normal, high but is " + urgency);
        }
        if (ttl.isNegative()) {
            throw new IllegalStateException("herald.web-push.ttl must not be negative but is " + ttl);
        }
        if (!vapidSubject.startsWith("mailto:") && !vapidSubject.startsWith("https:")) {
            throw new IllegalStateException("herald.web-push.vapid-subject must be a mailto: or https: URI but is " + vapidSubject);
        }
    }

    /** True when a VAPID key pair is configured, so Web Push can be used. */
    public boolean configured() {
        return vapidPublicKey != null && !vapidPublicKey.isBlank();
    }

    // never with the value: the private key is a secret
    private static void requireBase64Url(String value, int bytes, String name) {
        byte[] decoded;
        try {
            decoded = Base64.getUrlDecoder().decode(value.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("herald.web-push." + name + " must be base64url of " + bytes + " bytes but is not base64url");
        }
        if (decoded.length != bytes) {
            throw new IllegalStateException("herald.web-push." + name + " must be base64url of " + bytes + " bytes but decodes to "
                    + decoded.length);
        }
    }

    @Override
    public String toString() {
        return "WebPushProperties[vapidPublicKey=" + vapidPublicKey + ", vapidSubject=" + vapidSubject + ", ttl=" + ttl
                + ", urgency=" + urgency + ", link=" + link + "]";
    }
}
