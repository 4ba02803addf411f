package io.herald.subscriptions.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.herald.subscriptions.SubscriptionsProperties;

/**
 * Makes signing secrets and seals them for storage: AES-256-GCM under
 * {@code herald.subscriptions.secret-key}, a fresh 12-byte nonce in front of each ciphertext. A
 * missing or malformed key stops Herald at start-up rather than at the first subscription.
 */
@Component
public final class SecretCipher {

    public static final String KEY_PROPERTY = "herald.subscriptions.secret-key";
    /** Standard Webhooks' prefix for a base64 secret. */
    public static final String SECRET_PREFIX = "whsec_";

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int KEY_BYTES = 32;
    private static final int SECRET_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    // Binds each ciphertext to its use, so that a blob sealed for something else never opens as a signing secret.
    private static final byte[] CONTEXT = "herald subscription signing secret".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PERSONAL = "herald subscription personal data".getBytes(StandardCharsets.US_ASCII);

    private final SecretKey key;
    private final SecureRandom random;

    @Autowired
    public SecretCipher(SubscriptionsProperties properties) {
        this(properties.secretKey(), new SecureRandom());
    }

    /** @param base64Key base64 of 32 bytes, as {@code herald.subscriptions.secret-key} takes it */
    public SecretCipher(String base64Key, SecureRandom random) {
        this.key = new SecretKeySpec(decodeKey(base64Key), "AES");
        this.random = random;
    }

    /** A new signing secret: {@code whsec_} and base64 of 32 random bytes. */
    public String newSecret() {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    /** The secret sealed for storage: nonce, then ciphertext and tag. */
    public byte[] encrypt(String secret) {
        return seal(secret.getBytes(StandardCharsets.UTF_8), CONTEXT);
    }

    /** Personal data (a Web Push subscription's keys) sealed for storage as {@link #encrypt} seals secrets, bound to its own use. */
    public byte[] encryptPersonal(byte[] data) {
        return seal(data, PERSONAL);
    }

    /** What {@link #encryptPersonal} sealed; throws as {@link #decrypt} does. */
    public byte[] decryptPersonal(byte[] sealed) {
        return open(sealed, PERSONAL);
    }

    /**
     * A keyed hash (HMAC-SHA256) of {@code value} for looking it up without storing it in clear
     * (a phone number, a verification code). The HMAC key is derived from the secret key and
     * {@code purpose}, so hashes for one use never match another's, and nobody without the key can
     * test guesses (a plain hash of a phone number is reversed by trying all numbers).
     */
    public byte[] keyedHash(String purpose, String value) {
        try {
            javax.crypto.Mac derive = javax.crypto.Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            byte[] purposeKey = derive.doFinal(("herald keyed hash: " + purpose).getBytes(StandardCharsets.UTF_8));
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(purposeKey, "HmacSHA256"));
            return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM but failed: " + e.getMessage(), e);
        }
    }

    private byte[] seal(byte[] data, byte[] context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context);
            byte[] sealed = cipher.doFinal(data);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required of every JVM but failed: " + e.getMessage(), e);
        }
    }

    /**
     * The secret that {@link #encrypt} sealed.
     *
     * @throws IllegalStateException when it was sealed under another key or altered; the message holds no secret
     */
    public String decrypt(byte[] sealed) {
        byte[] plain = open(sealed, CONTEXT);
        try {
            return new String(plain, StandardCharsets.UTF_8);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private byte[] open(byte[] sealed, byte[] context) {
        if (sealed == null || sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalStateException("a stored signing secret is too short to be one sealed by Herald");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(context);
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored signing secret could not be decrypted: it was sealed under another "
                    + KEY_PROPERTY + " or has been altered", e);
        }
    }

    private static byte[] decodeKey(String base64Key) {
        if (base64Key == null || base64Key.isBlank()) {
            throw invalidKey("is not set; set it to base64 of 32 random bytes, "
                    + "for example the output of `openssl rand -base64 32`");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64Key.strip());
        } catch (IllegalArgumentException e) {
            throw invalidKey("must be base64 of " + KEY_BYTES + " bytes but is not base64: " + e.getMessage());
        }
        if (bytes.length != KEY_BYTES) {
            throw invalidKey("must be base64 of " + KEY_BYTES + " bytes (an AES-256 key) but decodes to "
                    + bytes.length + " bytes");
        }
        return bytes;
    }

    // Never with the value: start-up failures are logged, and Spring Boot's analyzer of invalid
    // property values would print it.
    private static IllegalStateException invalidKey(String reason) {
        return new IllegalStateException(KEY_PROPERTY + " " + reason
                + " (it is the key that encrypts subscriptions' signing secrets in the database)");
    }
}
