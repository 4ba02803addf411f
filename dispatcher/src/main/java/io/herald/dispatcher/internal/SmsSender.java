package io.herald.dispatcher.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.herald.dispatcher.DeliveryOutcome;
import io.herald.dispatcher.DispatcherProperties;
import io.herald.subscriptions.OutboundGuard;
import io.herald.subscriptions.OutboundHttp;

/**
 * Sends a text that is no event's delivery (a verification code, a digest) and waits for the
 * gateway's answer: through the outbound guard and the dispatcher's timeouts, like every POST
 * Herald makes.
 */
final class SmsSender implements AutoCloseable {

    private final SmsGateway gateway;
    private final OutboundHttp http;
    private final Duration wait;
    private final Clock clock;

    SmsSender(SmsGateway gateway, OutboundGuard guard, DispatcherProperties settings, Clock clock) {
        this.gateway = gateway;
        this.clock = clock;
        this.http = new OutboundHttp(guard, new OutboundHttp.Settings("herald-sms", settings.connectTimeout(),
                settings.responseTimeout(), 8, 4));
        this.wait = settings.connectTimeout().plus(settings.responseTimeout()).plusSeconds(1);
    }

    SmsGateway gateway() {
        return gateway;
    }

    /** Sends {@code text} to {@code to} and classifies the answer as a delivery's would be. */
    DeliveryOutcome send(String to, String text) {
        DeliveryChannel.Request request = gateway.message(to, text);
        SendResult result;
        try {
            result = WebhookClient.sendResult(http.post(request.url(), request.body(), request.contentType(), request.headers())
                    .get(wait.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryOutcome.NetworkFailure("Interrupted");
        } catch (ExecutionException | TimeoutException e) {
            return new DeliveryOutcome.NetworkFailure(e.getClass().getSimpleName());
        }
        return gateway.classify(result, clock.instant());
    }

    @Override
    public void close() {
        http.close();
    }
}
