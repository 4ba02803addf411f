package io.herald.subscriptions.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class SecretCipherTest {

    static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String OTHER_KEY = Base64.getEncoder().encodeToString("another key of exactly 32 bytes!".getBytes(StandardCharsets.US_ASCII));

    private final SecretCipher cipher = new SecretCipher(KEY, new SecureRandom());

    @Test
    void shouldMakeStandardWebhooksSecretsOf32RandomBytes() {
        String secret = cipher.newSecret();

        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring("whsec_".length()))).hasSize(32);
        assertThat(cipher.newSecret()).isNotEqualTo(secret);
    }

    @Test
    void shouldSealWithAFreshNonceAndOpenWhatItSealed() {
        String secret = cipher.newSecret();

        byte[] first = cipher.encrypt(secret);
        byte[] second = cipher.encrypt(secret);

        assertThat(first).hasSize(12 + secret.length() + 16).isNotEqualTo(second);
        assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain(secret.substring(6));
        assertThat(cipher.decrypt(first)).isEqualTo(secret);
        assertThat(cipher.decrypt(second)).isEqualTo(secret);
    }

    @Test
    void shouldRefuseToOpenAnAlteredSecretOrOneSealedUnderAnotherKey() {
        byte[] sealed = cipher.encrypt(cipher.newSecret());
        byte[] altered = sealed.clone();
        altered[20] ^= 1;

        assertThatThrownBy(() -> cipher.decrypt(altered)).hasMessageContaining("could not be decrypted");
        assertThatThrownBy(() -> new SecretCipher(OTHER_KEY, new SecureRandom()).decrypt(sealed))
                .hasMessageContaining("herald.subscriptions.secret-key");
        assertThatThrownBy(() -> cipher.decrypt(new byte[5])).hasMessageContaining("too short");
    }

    @Test
    void shouldFailWithTheNameOfThePropertyWhenTheKeyIsMissingOrMalformed() {
        assertThatThrownBy(() -> new SecretCipher(null, new SecureRandom()))
                .hasMessageStartingWith("herald.subscriptions.secret-key is not set");
        assertThatThrownBy(() -> new SecretCipher(" ", new SecureRandom()))
                .hasMessageStartingWith("herald.subscriptions.secret-key is not set");
        assertThatThrownBy(() -> new SecretCipher("not base64!", new SecureRandom()))
                .hasMessageStartingWith("herald.subscriptions.secret-key must be base64")
                .hasMessageNotContaining("not base64!");
        String sixteenBytes = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> new SecretCipher(sixteenBytes, new SecureRandom()))
                .hasMessageContaining("decodes to 16 bytes")
                .hasMessageNotContaining(sixteenBytes);
    }

    @Test
    void shouldAcceptAKeyWithATrailingNewline() {
        assertThat(new SecretCipher(KEY + "\n", new SecureRandom()).decrypt(cipher.encrypt("whsec_x"))).isEqualTo("whsec_x");
    }

    @Test
    void shouldSealPersonalDataSoThatItNeverOpensAsASigningSecretNorTheOtherWayRound() {
        byte[] keys = new byte[81];
        new SecureRandom().nextBytes(keys);

        byte[] sealed = cipher.encryptPersonal(keys);

        assertThat(cipher.decryptPersonal(sealed)).isEqualTo(keys);
        assertThatThrownBy(() -> cipher.decrypt(sealed)).isInstanceOf(IllegalStateException.class);
        byte[] secret = cipher.encrypt(cipher.newSecret());
        assertThatThrownBy(() -> cipher.decryptPersonal(secret)).isInstanceOf(IllegalStateException.class);
    }
}
