package io.herald.dispatcher.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class WebPushEncryptionTest {

    // RFC 8291 Appendix A
    private static final String AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    private static final String AS_PUBLIC = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    private static final String UA_PRIVATE = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
    private static final String UA_PUBLIC = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    private static final String AUTH = "BTBZMqHH6r4Tts7J_aSIgg";
    private static final String SALT = "DGv6ra1nlYgDCS1FRnbzlw";
    private static final String MESSAGE = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";
    private static final String WATERMELON = "When I grow up, I want to be a watermelon";

    private static byte[] b64(String value) {
        return Base64.getUrlDecoder().decode(value);
    }

    private static KeyPair rfcSenderKeys() throws Exception {
        return new KeyPair(WebPushEncryption.publicKey(b64(AS_PUBLIC)), WebPushEncryption.privateKey(b64(AS_PRIVATE)));
    }

    @Test
    void theRfc8291AppendixAMessageIsReproducedByteForByte() throws Exception {
        KeyPair sender = rfcSenderKeys();
        var encryption = new WebPushEncryption(() -> sender, () -> b64(SALT));

        byte[] body = encryption.encrypt(WATERMELON.getBytes(StandardCharsets.UTF_8), b64(UA_PUBLIC), b64(AUTH));

        assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(body)).isEqualTo(MESSAGE);
    }

    @Test
    void theRfc8188Section31ExampleIsReproducedByteForByte() throws Exception {
        byte[] body = WebPushEncryption.aes128gcm("I am the walrus".getBytes(StandardCharsets.UTF_8), b64("yqdlZ-tYemfogSmv7Ws5PQ"),
                b64("I1BsxtFttlv3u_Oo94xnmw"), new byte[0]);

        assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(body))
                .isEqualTo("I1BsxtFttlv3u_Oo94xnmwAAEAAA-NAVub2qFgBEuQKRapoZu-IxkIva3MEB1PD-ly8Thjg");
    }

    @Test
    void theReceiverUsedByTheTestsOpensTheRfcMessage() throws Exception {
        byte[] plain = PushReceiver.decrypt(b64(MESSAGE), WebPushEncryption.privateKey(b64(UA_PRIVATE)), b64(UA_PUBLIC), b64(AUTH));

        assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo(WATERMELON);
    }

    @Test
    void freshKeysAndSaltMakeEachMessageDifferentAndTheSubscriberStillOpensIt() throws Exception {
        var encryption = new WebPushEncryption();
        byte[] plain = "{\"type\":\"app.instance.created\"}".getBytes(StandardCharsets.UTF_8);

        byte[] first = encryption.encrypt(plain, b64(UA_PUBLIC), b64(AUTH));
        byte[] second = encryption.encrypt(plain, b64(UA_PUBLIC), b64(AUTH));

        assertThat(first).isNotEqualTo(second);
        assertThat(PushReceiver.decrypt(second, WebPushEncryption.privateKey(b64(UA_PRIVATE)), b64(UA_PUBLIC), b64(AUTH)))
                .isEqualTo(plain);
    }

    @Test
    void aPayloadLargerThanOneRecordIsRefused() {
        var encryption = new WebPushEncryption();

        assertThatThrownBy(() -> encryption.encrypt(new byte[WebPushEncryption.MAX_PLAINTEXT + 1], b64(UA_PUBLIC), b64(AUTH)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most");
    }

    @Test
    void aVapidTokenVerifiesAgainstThePublicKeyAndNamesThePushServiceOrigin() throws Exception {
        KeyPair vapid = WebPushEncryption.newKeyPair();
        byte[] publicKey = WebPushEncryption.encodePoint((java.security.interfaces.ECPublicKey) vapid.getPublic());
        var signer = new VapidSigner((java.security.interfaces.ECPrivateKey) vapid.getPrivate(), publicKey, "mailto:ops@herald.example");

        String header = signer.authorization(URI.create("https://push.example.net:8443/wpush/v2/abc"), Instant.ofEpochSecond(1_000));

        assertThat(PushReceiver.verifiedClaims(header, publicKey)).isEqualTo(
                "{\"aud\":\"https://push.example.net:8443\",\"exp\":" + (1_000 + 12 * 3600) + ",\"sub\":\"mailto:ops@herald.example\"}");
        byte[] otherKey = WebPushEncryption.encodePoint((java.security.interfaces.ECPublicKey) WebPushEncryption.newKeyPair().getPublic());
        assertThatThrownBy(() -> PushReceiver.verifiedClaims(header, otherKey)).isInstanceOf(java.security.GeneralSecurityException.class);
    }
}
