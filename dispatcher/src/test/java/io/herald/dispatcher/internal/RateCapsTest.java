package io.herald.dispatcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.herald.subscriptions.DeliveryTarget;
import io.herald.subscriptions.PushOptions;
import io.herald.subscriptions.SubscriptionId;

class RateCapsTest {

    private final RateCaps caps = new RateCaps();

    private static DeliveryTarget target(long id, Integer allowedRate) {
        return new DeliveryTarget(new SubscriptionId(id), URI.create("https://hooks.example/herald"), List.of("whsec_x"), true,
                new PushOptions(PushOptions.ContentType.CLOUDEVENTS_JSON, allowedRate), "events.example", null);
    }

    @Test
    void shouldLetOneRequestThroughPerIntervalOfTheAllowedRateAndHoldTheNext() {
        assertThat(caps.waitBefore(target(1, 2))).isZero();
        assertThat(caps.waitBefore(target(1, 2))).as("two a minute: the next in 30 s").isEqualTo(Duration.ofSeconds(30));
        assertThat(caps.waitBefore(target(2, 2))).as("another subscription has its own cap").isZero();
    }

    @Test
    void shouldNeverHoldASubscriptionWithoutAnAllowedRate() {
        for (int i = 0; i < 100; i++) {
            assertThat(caps.waitBefore(target(3, null))).isZero();
        }
    }

    @Test
    void shouldFollowARateThatChanged() {
        assertThat(caps.waitBefore(target(4, 1))).isZero();
        assertThat(caps.waitBefore(target(4, 1))).isEqualTo(Duration.ofMinutes(1));
        assertThat(caps.waitBefore(target(4, 6000))).as("a new grant starts afresh").isZero();
    }
}
