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
import io.herald.subscriptions.SubscriptionsProperties;
import io.herald.subscriptions.WebhookSigner;

/**
 * Sends one handshake through {@link OutboundHttp}, whose outbound guard checks the addresses it
 * connects to. First the platform's: a {@code platform.events.validatesubscription} CloudEvent
 * POSTed in structured mode, whose {@code source} names the subscription as the platform's receivers
 * read it; a 2xx validates. An endpoint that answers anything else is asked the CloudEvents web hook
 * way ("HTTP 1.1 Web Hooks for Event Delivery", section 4): {@code OPTIONS} with
 * {@code WebHook-Request-Origin}; an answer whose {@code WebHook-Allowed-Origin} is that origin or
 * {@code *} validates, and its {@code WebHook-Allowed-Rate} caps the pushes.
 */
final class HandshakeSender {

    static final String REQUEST_ORIGIN = "WebHook-Request-Origin";
    static final String ALLOWED_ORIGIN = "WebHook-Allowed-Origin";
    static final String ALLOWED_RATE = "WebHook-Allowed-Rate";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Clock clock;
    private final OutboundHttp http;
    private final SecretCipher cipher;
    private final SubscriptionsProperties.Validation settings;
    private final WebhookSigner signer = new WebhookSigner();

    HandshakeSender(Clock clock, OutboundHttp http, SecretCipher cipher, SubscriptionsProperties.Validation settings) {
        this.clock = clock;
        this.http = http;
        this.cipher = cipher;
        this.settings = settings;
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
                WebhookSigner.SIGNATURE_HEADER, signer.signature(webhookId, timestamp, body, List.of(secret)),
                REQUEST_ORIGIN, settings.webhookOrigin());
        OutboundResult result = await(http.post(endpoint, body, pending.contentType().header(), headers));
        if (result instanceof OutboundResult.Answered answered) {
            int status = answered.status();
            if (status >= 200 && status < 300) {
                return new HandshakeOutcome.Accepted(status, "the validation event", null);
            }
            String refusal = status >= 300 && status < 400 ? "HTTP " + status + " (redirects are not followed)" : "HTTP " + status;
            return webHookHandshake(endpoint, refusal, pending.endpoint());
        }
        return failure(result, pending.endpoint());
    }

    /** The CloudEvents web hook validation request, after the endpoint refused the validation event. */
    private HandshakeOutcome webHookHandshake(URI endpoint, String refusal, String shown) throws InterruptedException {
        String origin = settings.webhookOrigin();
        OutboundResult result = await(http.options(endpoint, Map.of(REQUEST_ORIGIN, origin)));
        if (!(result instanceof OutboundResult.Answered answered)) {
            HandshakeOutcome.Failed failed = (HandshakeOutcome.Failed) failure(result, shown);
            return new HandshakeOutcome.Failed(refusal + " to the validation event; OPTIONS: " + failed.reason());
        }
        String allowed = answered.webhookHeader(ALLOWED_ORIGIN);
        if (answered.status() >= 200 && answered.status() < 300 && allowed != null
                && (allowed.strip().equals("*") || allowed.strip().equalsIgnoreCase(origin))) {
            return new HandshakeOutcome.Accepted(answered.status(), "the CloudEvents web hook handshake (OPTIONS)",
                    rate(answered.webhookHeader(ALLOWED_RATE)));
        }
        return new HandshakeOutcome.Failed(refusal + " to the validation event; OPTIONS answered HTTP " + answered.status()
                + (allowed == null ? " without " + ALLOWED_ORIGIN : " allowing another origin than " + origin));
    }

    /** Requests a minute, or null for none: {@code *}, absent, or not a positive number (which grants nothing to hold to). */
    static Integer rate(String allowedRate) {
        if (allowedRate == null) {
            return null;
        }
        try {
            int rate = Integer.parseInt(allowedRate.strip());
            return rate > 0 ? rate : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static OutboundResult await(CompletableFuture<OutboundResult> request) throws InterruptedException {
        try {
            return request.get();
        } catch (InterruptedException e) {
            request.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            return new OutboundResult.Failed(e.getCause().getClass().getSimpleName(), e.getCause().getMessage(), 0);
        }
    }

    private static HandshakeOutcome failure(OutboundResult result, String endpoint) {
        if (result instanceof OutboundResult.Refused refused) {
            return new HandshakeOutcome.Failed("refused: " + refused.reason());
        }
        OutboundResult.Failed failure = (OutboundResult.Failed) result;
        return failed(failure.errorClass(), failure.message(), endpoint);
    }

    /** The platform's validation event (whose receivers read the subscription from {@code source}), with Herald's members beside. */
    private byte[] event(PendingHandshake pending) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", UUID.randomUUID().toString());
        event.put("source", settings.eventSource(pending.id()));
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
