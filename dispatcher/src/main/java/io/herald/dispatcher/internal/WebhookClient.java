package io.herald.dispatcher.internal;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import io.herald.dispatcher.DispatcherProperties;
import io.herald.subscriptions.OutboundGuard;
import io.herald.subscriptions.OutboundHttp;
import io.herald.subscriptions.OutboundResult;

/**
 * POSTs one CloudEvent to an endpoint through {@link OutboundHttp} (HTTP/1.1, no redirects, the
 * dispatcher's timeouts, the outbound guard checked on the addresses connected to), with a pool as
 * large as {@code max-in-flight} and {@code max-in-flight-per-endpoint}. Results are handed to
 * {@code executor}, so recording them never holds the client's I/O threads.
 */
public final class WebhookClient implements AutoCloseable {

    private final OutboundHttp http;
    private final Executor executor;

    public WebhookClient(OutboundGuard guard, DispatcherProperties settings, Executor executor) {
        this.http = new OutboundHttp(guard, new OutboundHttp.Settings("herald-webhook", settings.connectTimeout(),
                settings.responseTimeout(), settings.maxInFlight(), settings.maxInFlightPerEndpoint()));
        this.executor = executor;
    }

    public CompletableFuture<SendResult> post(URI endpoint, byte[] body, Map<String, String> headers) {
        return http.post(endpoint, body, headers).thenApplyAsync(WebhookClient::sendResult, executor);
    }

    /** As {@link #post(URI, byte[], Map)} with the {@code Content-Type} given. */
    public CompletableFuture<SendResult> post(URI endpoint, byte[] body, String contentType, Map<String, String> headers) {
        return http.post(endpoint, body, contentType, headers).thenApplyAsync(WebhookClient::sendResult, executor);
    }

    /** Sends what a {@link DeliveryChannel} prepared. */
    public CompletableFuture<SendResult> post(DeliveryChannel.Request request) {
        return post(request.url(), request.body(), request.contentType(), request.headers());
    }

    static SendResult sendResult(OutboundResult result) {
        if (result instanceof OutboundResult.Answered answered) {
            return new SendResult(answered.status(), answered.retryAfter().orElse(null), answered.latencyMillis(),
                    answered.excerpt(), null, null);
        }
        if (result instanceof OutboundResult.Refused refused) {
            return SendResult.refused(refused.reason(), refused.latencyMillis());
        }
        OutboundResult.Failed failed = (OutboundResult.Failed) result;
        return new SendResult(SendResult.NO_ANSWER, null, failed.latencyMillis(), null, failed.errorClass(), failed.message());
    }

    @Override
    public void close() {
        http.close();
    }
}
