package io.herald.dispatcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.herald.dispatcher.DeliveryOutcome;
import io.herald.dispatcher.SmsProperties;

/** Twilio's Messages API and its inbound webhook signature, against Twilio's published example. */
class TwilioGatewayTest {

    private static final Map<String, List<String>> EXAMPLE = Map.of(
            "CallSid", List.of("CA1234567890ABCDE"),
            "Caller", List.of("+14158675309"),
            "Digits", List.of("1234"),
            "From", List.of("+14158675309"),
            "To", List.of("+18005551212"));
    private static final String EXAMPLE_URL = "https://mycompany.com/myapp.php?foo=1&bar=2";

    private static TwilioGateway gateway(String authToken, String from, String service, String inboundUrl) {
        return new TwilioGateway(new SmsProperties.Twilio(URI.create("https://api.twilio.example/"), "AC123", authToken, from,
                service, inboundUrl));
    }

    @Test
    void shouldReproduceTwilioSPublishedSignatureExample() {
        assertThat(TwilioGateway.signature("12345", EXAMPLE_URL, EXAMPLE)).isEqualTo("RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    }

    @Test
    void shouldAcceptOnlyASignatureThatVerifiesOverTheUrlAndEveryParameter() {
        TwilioGateway gateway = gateway("12345", "+15005550006", null, "");

        assertThat(gateway.authentic(EXAMPLE_URL, EXAMPLE, Map.of("x-twilio-signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="))).isTrue();
        assertThat(gateway.authentic(EXAMPLE_URL + "&x=1", EXAMPLE, Map.of("x-twilio-signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")))
                .isFalse();
        var altered = new java.util.HashMap<>(EXAMPLE);
        altered.put("Digits", List.of("9999"));
        assertThat(gateway.authentic(EXAMPLE_URL, altered, Map.of("x-twilio-signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="))).isFalse();
        assertThat(gateway.authentic(EXAMPLE_URL, EXAMPLE, Map.of())).isFalse();
        assertThat(gateway("other", "+15005550006", null, "")
                .authentic(EXAMPLE_URL, EXAMPLE, Map.of("x-twilio-signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="))).isFalse();
    }

    @Test
    void shouldCheckTheSignatureOverTheConfiguredPublicUrlBehindAProxy() {
        TwilioGateway gateway = gateway("12345", "+15005550006", null, EXAMPLE_URL);

        assertThat(gateway.authentic("http://10.0.0.5:8080/internal", EXAMPLE,
                Map.of("x-twilio-signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="))).isTrue();
    }

    @Test
    void shouldPostAFormToTheAccountsMessagesWithBasicAuth() {
        var request = gateway("token", "+15005550006", null, "").message("+4791234567", "Hei & hå");

        assertThat(request.url()).isEqualTo(URI.create("https://api.twilio.example/2010-04-01/Accounts/AC123/Messages.json"));
        assertThat(request.contentType()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(URLDecoder.decode(new String(request.body(), StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .isEqualTo("To=+4791234567&From=+15005550006&Body=Hei & hå");
        assertThat(new String(request.body(), StandardCharsets.UTF_8)).contains("Body=Hei+%26+h%C3%A5");
        assertThat(request.headers().get("Authorization")).isEqualTo("Basic "
                + java.util.Base64.getEncoder().encodeToString("AC123:token".getBytes(StandardCharsets.UTF_8)));
        var viaService = gateway("token", null, "MG42", "").message("+4791234567", "x");
        assertThat(new String(viaService.body(), StandardCharsets.UTF_8)).contains("MessagingServiceSid=MG42").doesNotContain("From=");
    }

    @Test
    void shouldRetryTransientAnswersAndRefuseAnInvalidNumberForGood() {
        TwilioGateway gateway = gateway("token", "+15005550006", null, "");
        Instant now = Instant.now();

        assertThat(gateway.classify(new SendResult(201, null, 5, "{\"sid\":\"SM1\"}", null, null), now))
                .isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(gateway.classify(new SendResult(503, null, 5, "", null, null), now)).isInstanceOf(DeliveryOutcome.HttpFailure.class);
        assertThat(gateway.classify(new SendResult(429, "3", 5, "{\"code\":20429}", null, null), now))
                .isInstanceOf(DeliveryOutcome.HttpFailure.class);
        assertThat(gateway.classify(new SendResult(401, null, 5, "{\"code\":20003}", null, null), now))
                .as("credentials the operator fixes: retried").isInstanceOf(DeliveryOutcome.HttpFailure.class);
        assertThat(gateway.classify(new SendResult(400, null, 5, "{\"code\": 21211, \"message\": \"invalid\"}", null, null), now))
                .isEqualTo(new DeliveryOutcome.Rejected(400, "the SMS gateway refused the message (Twilio error 21211)"));
        assertThat(gateway.classify(new SendResult(400, null, 5, "{\"code\":21610}", null, null), now))
                .isInstanceOf(DeliveryOutcome.Gone.class);
        assertThat(gateway.classify(new SendResult(-1, null, 5, null, "ConnectException", "refused"), now))
                .isInstanceOf(DeliveryOutcome.NetworkFailure.class);
    }

    @Test
    void shouldReadTheSenderAndTextOfAnInboundMessage() {
        var reply = gateway("t", "+1", null, "").reply(Map.of("From", List.of("+4791234567"), "Body", List.of(" stop ")));

        assertThat(reply).get().extracting(SmsGateway.Reply::from).isEqualTo("+4791234567");
        assertThat(reply.get().toString()).doesNotContain("91234");
    }
}
