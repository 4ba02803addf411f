package io.herald.subscriptions.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import tools.jackson.databind.json.JsonMapper;
import io.herald.subscriptions.OutboundHttp;
import io.herald.subscriptions.OutboundResult;
import io.herald.subscriptions.WebhookSigner;

/**
 * Sends one handshake: a {@code platform.events.validatesubscription} CloudEvent POSTed in
 * structured mode through {@link OutboundHttp}, whose outbound guard checks the addresses it
 * connects to. Only the status counts.
 */
final class HandshakeSender {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Clock clock;
    private final OutboundHttp http;
    private final SecretCipher cipher;
    private final WebhookSigner signer = new WebhookSigner();

    HandshakeSender(Clock clock, OutboundHttp http, SecretCipher cipher) {
        this.clock = clock;
        this.http = http;
        this.cipher = cipher;
    }

    HandshakeOutcome send(PendingHandshake pending) throws InterruptedException {
        String secret;
        try {
            secret = cipher.decrypt(pending.sealedSecret());
        } catch (RuntimeException e) {
            return new HandshakeOutcome.Failed("the subscription's signing secret cannot be read with this instance's key");
        }
        URI endpoint;
        try {
            endpoint = new URI(pending.endpoint());
        } catch (URISyntaxException e) {
            return new HandshakeOutcome.Failed("invalid endpoint URL: " + e.getReason() + " at index " + e.getIndex());
        }
        byte[] body = event(pending);
        // signed like every delivery, so a receiver that checks signatures accepts the handshake too
        String webhookId = "msg_validate_" + pending.id() + "_" + pending.attempt();
        long timestamp = clock.instant().getEpochSecond();
        Map<String, String> headers = Map.of(
                WebhookSigner.ID_HEADER, webhookId,
                WebhookSigner.TIMESTAMP_HEADER, Long.toString(timestamp),
                WebhookSigner.SIGNATURE_HEADER, signer.signature(webhookId, timestamp, body, List.of(secret)));
        CompletableFuture<OutboundResult> request = http.post(endpoint, body, headers);
        OutboundResult result;
        try {
            result = request.get();
        } catch (InterruptedException e) {
            request.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            return failed(e.getCause().getClass().getSimpleName(), e.getCause().getMessage(), pending.endpoint());
        }
        if (result instanceof OutboundResult.Answered answered) {
            int status = answered.status();
            if (status >= 200 && status < 300) {
                return new HandshakeOutcome.Accepted(status);
            }
            return new HandshakeOutcome.Failed(status >= 300 && status < 400
                    ? "HTTP " + status + " (redirects are not followed)"
                    : "HTTP " + status);
        }
        if (result instanceof OutboundResult.Refused refused) {
            return new HandshakeOutcome.Failed("refused: " + refused.reason());
        }
        OutboundResult.Failed failure = (OutboundResult.Failed) result;
        return failed(failure.errorClass(), failure.message(), pending.endpoint());
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
    private static HandshakeOutcome.Failed failed(String errorClass, String message, String endpoint) {
        if (message == null || message.isBlank()) {
            return new HandshakeOutcome.Failed(errorClass);
        }
        return new HandshakeOutcome.Failed(errorClass + ": " + message.replace(endpoint, "<endpoint>"));
    }
}
