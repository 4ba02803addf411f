package io.herald.dispatcher.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * POSTs one CloudEvent to an endpoint with the JDK {@link HttpClient}: HTTP/1.1, no redirects
 * followed, connect and response timeouts, and only the first bytes of the answer read.
 */
public final class WebhookClient {

    static final String CONTENT_TYPE = "application/cloudevents+json";
    private static final int EXCERPT_BYTES = 512;

    private final HttpClient http;
    private final Duration responseTimeout;

    public WebhookClient(Duration connectTimeout, Duration responseTimeout, Executor executor) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .executor(executor)
                .build();
        this.responseTimeout = responseTimeout;
    }

    public CompletableFuture<SendResult> post(URI endpoint, byte[] body, Map<String, String> headers) {
        long start = System.nanoTime();
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(responseTimeout)
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(response -> new SendResult(response.statusCode(),
                        response.headers().firstValue("Retry-After").orElse(null), millisSince(start),
                        excerpt(response.body()), null, null))
                .exceptionally(failure -> {
                    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                    return new SendResult(SendResult.NO_ANSWER, null, millisSince(start), null,
                            cause.getClass().getSimpleName(), cause.getMessage());
                });
    }

    private static String excerpt(InputStream body) {
        try (body) {
            byte[] first = body.readNBytes(EXCERPT_BYTES);
            return new String(first, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
