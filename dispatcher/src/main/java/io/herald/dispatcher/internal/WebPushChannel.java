package io.herald.dispatcher.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import io.herald.dispatcher.DeliveryOutcome;
import io.herald.dispatcher.WebPushProperties;
import io.herald.store.StoredEvent;
import io.herald.subscriptions.DeliveryTarget;
import io.herald.subscriptions.PushKeys;

/**
 * Web Push (RFC 8030): a small JSON payload (type, subject, event id, time, link), encrypted for the
 * subscription's browser (RFC 8291), signed with Herald's VAPID key (RFC 8292), POSTed to the
 * push service's URL with {@code TTL}, {@code Urgency} and a {@code Topic} per delivery (a retry
 * replaces its own undelivered copy, never another event's). 404 or 410 from the push service
 * means the push subscription is gone: the subscription is disabled.
 */
final class WebPushChannel implements DeliveryChannel {

    private final WebPushEncryption encryption;
    private final VapidSigner vapid;
    private final WebPushProperties settings;

    WebPushChannel(WebPushProperties settings, WebPushEncryption encryption) {
        this.settings = settings;
        this.encryption = encryption;
        try {
            byte[] publicKey = Base64.getUrlDecoder().decode(settings.vapidPublicKey().strip());
            this.vapid = new VapidSigner(WebPushEncryption.privateKey(Base64.getUrlDecoder().decode(settings.vapidPrivateKey().strip())),
                    publicKey, settings.vapidSubject());
            WebPushEncryption.publicKey(publicKey); // a key that is not a P-256 point stops Herald at start
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("herald.web-push.vapid-public-key or vapid-private-key is not a P-256 key: "
                    + e.getMessage());
        }
    }

    WebPushChannel(WebPushProperties settings) {
        this(settings, new WebPushEncryption());
    }

    @Override
    public URI destination(DeliveryTarget target) {
        return target.endpoint();
    }

    @Override
    public Request prepare(String messageId, DeliveryTarget target, StoredEvent event, Instant now) {
        PushKeys keys = target.pushKeys();
        byte[] body = encryption.encrypt(payload(event).getBytes(StandardCharsets.UTF_8), keys.p256dh(), keys.auth());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Encoding", "aes128gcm");
        headers.put("TTL", Long.toString(settings.ttl().toSeconds()));
        headers.put("Urgency", settings.urgency());
        headers.put("Topic", messageId);
        headers.put("Authorization", vapid.authorization(target.endpoint(), now));
        return new Request(target.endpoint(), "application/octet-stream", body, headers);
    }

    /** What the subscriber's service worker receives: enough to show a notification and fetch the event. */
    String payload(StoredEvent event) {
        var json = new StringBuilder("{");
        member(json, "type", event.type());
        member(json, "subject", event.subject());
        member(json, "id", event.key().id());
        member(json, "time", event.time() == null ? null : event.time().toString());
        if (!settings.link().isBlank()) {
            member(json, "link", settings.link().replace("{id}", java.net.URLEncoder.encode(event.key().id(), StandardCharsets.UTF_8)));
        }
        return json.append('}').toString();
    }

    private static void member(StringBuilder json, String name, String value) {
        if (value == null) {
            return;
        }
        if (json.length() > 1) {
            json.append(',');
        }
        json.append('"').append(name).append("\":\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    @Override
    public DeliveryOutcome classify(SendResult result, Instant now) {
        if (result.answered() && (result.status() == 404 || result.status() == 410)) {
            return new DeliveryOutcome.Gone(result.status(),
                    "the push service answered " + result.status() + ": the push subscription expired or was unsubscribed");
        }
        return Outcomes.of(result, now);
    }
}
