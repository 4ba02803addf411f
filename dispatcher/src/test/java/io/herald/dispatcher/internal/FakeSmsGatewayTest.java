package io.herald.dispatcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.herald.dispatcher.DeliveryOutcome;
import io.herald.dispatcher.DispatcherProperties;
import io.herald.dispatcher.SmsProperties;
import io.herald.subscriptions.OutboundGuard;

/** The local profile's fake gateway takes texts as Twilio would, through the same adapter and guard, and sends nothing. */
class FakeSmsGatewayTest {

    @Test
    void shouldTakeATextThroughTheTwilioAdapterAsTwilioWould() {
        SmsProperties settings = new Binder(new MapConfigurationPropertySource(Map.of("herald.sms.gateway", "local-fake")))
                .bindOrCreate("herald.sms", SmsProperties.class);
        DispatcherProperties dispatcher = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("herald.dispatcher", DispatcherProperties.class);

        try (SmsSetup setup = new SmsSetup(settings, new OutboundGuard(List.of("127.0.0.0/8", "::1/128")), dispatcher,
                Clock.systemUTC())) {
            assertThat(settings.gateway()).isEqualTo(SmsProperties.Gateway.LOCAL_FAKE);
            assertThat(setup.subscriptions(null, null).enabled()).isTrue();

            DeliveryOutcome outcome = new SmsSender(setup.gateway(), new OutboundGuard(List.of("127.0.0.0/8", "::1/128")),
                    dispatcher, Clock.systemUTC()).send("+4791234567", "Your Herald code is 123456.");

            assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        }
    }
}
