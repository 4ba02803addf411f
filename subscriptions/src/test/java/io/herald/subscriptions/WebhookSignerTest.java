package io.herald.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookSignerTest {

    // The Standard Webhooks specification's published test vector.
    private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long SPEC_TIMESTAMP = 1614265330L;
    private static final byte[] SPEC_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    private static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static final String OTHER_SECRET = secretOf(new byte[32]);

    private final WebhookSigner signer = new WebhookSigner();

    @Test
    void shouldProduceTheSpecificationsTestVector() {
        assertThat(signer.signature(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, List.of(SPEC_SECRET))).isEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void shouldSignWithBothSecretsDuringARotation() {
        String header = signer.signature(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, List.of(OTHER_SECRET, SPEC_SECRET));

        String[] signatures = header.split(" ");
        assertThat(signatures).hasSize(2);
        assertThat(signatures[0]).isEqualTo(signer.signature(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, List.of(OTHER_SECRET)));
        assertThat(signatures[1]).isEqualTo(SPEC_SIGNATURE);
        assertThat(Verifier.verifies(header, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, SPEC_SECRET)).isTrue();
        assertThat(Verifier.verifies(header, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, OTHER_SECRET)).isTrue();
    }

    @Test
    void shouldChangeTheSignatureWhenTheIdTimestampOrBodyChanges() {
        List<String> secrets = List.of(SPEC_SECRET);

        assertThat(signer.signature("msg_other", SPEC_TIMESTAMP, SPEC_BODY, secrets)).isNotEqualTo(SPEC_SIGNATURE);
        assertThat(signer.signature(SPEC_ID, SPEC_TIMESTAMP + 1, SPEC_BODY, secrets)).isNotEqualTo(SPEC_SIGNATURE);
        assertThat(signer.signature(SPEC_ID, SPEC_TIMESTAMP, "{\"test\":2432232314}".getBytes(StandardCharsets.UTF_8), secrets))
                .as("a body serialised differently is a different body")
                .isNotEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void shouldAgreeWithAnIndependentVerifierForRandomBodies() {
        SplittableRandom random = new SplittableRandom(20240501L);
        for (int i = 0; i < 500; i++) {
            byte[] body = new byte[random.nextInt(0, 4096)];
            random.nextBytes(body);
            byte[] key = new byte[random.nextInt(WebhookSigner.MIN_KEY_BYTES, WebhookSigner.MAX_KEY_BYTES + 1)];
            random.nextBytes(key);
            String secret = secretOf(key);
            String id = "msg_" + Long.toHexString(random.nextLong());
            long timestamp = random.nextLong(0, 4_102_444_800L);

            String header = signer.signature(id, timestamp, body, List.of(secret));

            assertThat(Verifier.verifies(header, id, timestamp, body, secret)).as("body #%d", i).isTrue();
            if (body.length > 0) {
                byte[] tampered = body.clone();
                tampered[random.nextInt(tampered.length)] ^= 1;
                assertThat(Verifier.verifies(header, id, timestamp, tampered, secret))
                        .as("tampered body #%d", i).isFalse();
            }
        }
    }

    @Test
    void shouldRefuseASecretWithoutThePrefix() {
        String unprefixed = SPEC_SECRET.substring("whsec_".length());

        assertThatIllegalArgumentException()
                .isThrownBy(() -> signer.signature(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, List.of(unprefixed)))
                .withMessage("signing secret #1 must start with \"whsec_\"")
                .withMessageNotContaining(unprefixed);
    }

    @Test
    void shouldRefuseASecretThatIsNotBase64WithoutQuotingIt() {
        String secret = "whsec_not-base64-at-all!";

        assertThatIllegalArgumentException()
                .isThrownBy(() -> signer.signature(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, List.of(SPEC_SECRET, secret)))
                .withMessage("signing secret #2 is not valid base64 after \"whsec_\"")
                .withNoCause();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 16, 23, 65, 128})
    void shouldRefuseAKeyOfTheWrongLength(int keyBytes) {
        String secret = secretOf(new byte[keyBytes]);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> signer.signature(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, List.of(secret)))
                .withMessage("signing secret #1 must hold 24 to 64 key bytes but held " + keyBytes);
    }

    @Test
    void shouldRefuseAMissingSecretOrNoneAtAll() {
        List<String> withNull = new ArrayList<>();
        withNull.add(null);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> signer.signature(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, withNull))
                .withMessage("signing secret #1 is missing");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> signer.signature(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, List.of()))
                .withMessage("at least one signing secret is needed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "msg.1", "msg 1", "msg\n1", "msg_ø"})
    void shouldRefuseAWebhookIdThatCouldBeConfusedOrBreakAHeader(String id) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> signer.signature(id, SPEC_TIMESTAMP, SPEC_BODY, List.of(SPEC_SECRET)))
                .withMessageStartingWith("webhook id must");
    }

    @Test
    void shouldRefuseANegativeTimestamp() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> signer.signature(SPEC_ID, -1, SPEC_BODY, List.of(SPEC_SECRET)))
                .withMessage("webhook timestamp must not be negative but was -1");
    }

    private static String secretOf(byte[] key) {
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    /** What a subscriber does, written from the specification rather than from the signer. */
    private static final class Verifier {

        static boolean verifies(String header, String id, long timestamp, byte[] body, String secret) {
            byte[] expected = hmacSha256(Base64.getDecoder().decode(secret.substring("whsec_".length())),
                    concat((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), body));
            return Arrays.stream(header.split(" "))
                    .filter(signature -> signature.startsWith("v1,"))
                    .map(signature -> Base64.getDecoder().decode(signature.substring(3)))
                    .anyMatch(actual -> MessageDigest.isEqual(actual, expected));
        }

        private static byte[] concat(byte[] a, byte[] b) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
            out.writeBytes(a);
            out.writeBytes(b);
            return out.toByteArray();
        }

        private static byte[] hmacSha256(byte[] key, byte[] content) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac.doFinal(content);
            } catch (GeneralSecurityException e) {
                throw new AssertionError(e);
            }
        }
    }
}
