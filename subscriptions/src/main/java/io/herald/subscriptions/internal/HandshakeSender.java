package io.herald.subscriptions.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.json.JsonMapper;
import io.herald.subscriptions.OutboundGuard;
import io.herald.subscriptions.WebhookSigner;

/**
 * Sends one handshake: a {@code platform.events.validatesubscription} CloudEvent POSTed in
 * structured mode. Only the status counts; the response body is not read.
 */
final class HandshakeSender {

    static final String CONTENT_TYPE = "application/cloudevents+json";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Clock clock;
    private final Duration timeout;
    // The outbound address guard and signing arrive with the dispatcher's delivery path.
    private final HttpClient client;

    private final OutboundGuard guard;

    private final SecretCipher cipher;
    private final WebhookSigner signer = new WebhookSigner();

    HandshakeSender(Clock clock, Duration timeout, OutboundGuard guard, SecretCipher cipher) {
        this.guard = guard;
        this.cipher = cipher;
        this.clock = clock;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .build();
    }

    HandshakeOutcome send(PendingHandshake pending) throws InterruptedException {
        String secret;
        try {
            secret = cipher.decrypt(pending.sealedSecret());
        } catch (RuntimeException e) {
            return new HandshakeOutcome.Failed("the subscription's signing secret cannot be read with this instance's key");
        }
        HttpRequest request;
        try {
            byte[] body = event(pending);
            // signed like every delivery, so a receiver that checks signatures accepts the handshake too
            String webhookId = "msg_validate_" + pending.id() + "_" + pending.attempt();
            long timestamp = clock.instant().getEpochSecond();
            request = HttpRequest.newBuilder(new URI(pending.endpoint()))
                    .timeout(timeout)
                    .header("Content-Type", CONTENT_TYPE)
                    .header(WebhookSigner.ID_HEADER, webhookId)
                    .header(WebhookSigner.TIMESTAMP_HEADER, Long.toString(timestamp))
                    .header(WebhookSigner.SIGNATURE_HEADER, signer.signature(webhookId, timestamp, body,
                            List.of(secret)))
                    .POST(BodyPublishers.ofByteArray(body))
                    .build();
        } catch (URISyntaxException e) {
            return new HandshakeOutcome.Failed("invalid endpoint URL: " + e.getReason() + " at index " + e.getIndex());
        } catch (IllegalArgumentException e) {
            return failed(e, pending.endpoint());
        }
        var refusal = guard.refusal(request.uri());
        if (refusal.isPresent()) {
            return new HandshakeOutcome.Failed("refused: " + refusal.get());
        }
        try {
            HttpResponse<InputStream> response = client.send(request, BodyHandlers.ofInputStream());
            closeQuietly(response.body());
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return new HandshakeOutcome.Accepted(status);
            }
            return new HandshakeOutcome.Failed(status >= 300 && status < 400
                    ? "HTTP " + status + " (redirects are not followed)"
                    : "HTTP " + status);
        } catch (IOException e) {
            return failed(e, pending.endpoint());
        }
    }

    private byte[] event(PendingHandshake pending) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", UUID.randomUUID().toString());
        event.put("source", ValidationHandshake.EVENT_SOURCE);
        event.put("type", ValidationHandshake.EVENT_TYPE);
        event.put("subject", "/subscription/" + pending.id());
        event.put("time", DateTimeFormatter.ISO_INSTANT.format(clock.instant()));
        event.put("resource", pending.resource());
        event.put("datacontenttype", "application/json");
        event.put("data", Map.of("subscriptionId", pending.id().value()));
        return JSON.writeValueAsBytes(event);
    }

    /**
     * The error's class and message, with the endpoint cut out: a subscriber may have put a
     * token in its URL, and the reason is shown to whoever can read the subscription.
     */
    private static HandshakeOutcome.Failed failed(Exception e, String endpoint) {
        String message = e.getMessage();
        if (message == null && e.getCause() != null) {
            message = e.getCause().getMessage();
        }
        String name = e.getClass().getSimpleName();
        if (message == null || message.isBlank()) {
            return new HandshakeOutcome.Failed(name);
        }
        return new HandshakeOutcome.Failed(name + ": " + message.replace(endpoint, "<endpoint>"));
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException e) {
            // the status is all we wanted
        }
    }
}
