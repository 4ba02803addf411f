package io.herald.subscriptions;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook requests as the Standard Webhooks specification (v1.0.0, symmetric scheme) asks,
 * so that a subscriber can check with any Standard Webhooks library that a request came from
 * Herald, unaltered, and recently.
 *
 * <p>A signature is {@code v1,} followed by the base64 of HMAC-SHA256 over
 * {@code webhook-id + "." + webhook-timestamp + "." + body}, keyed with the subscription's
 * secret. A secret is {@code whsec_} followed by the base64 of 24 to 64 random key bytes. While a
 * secret is being rotated both the old and the new secret sign, and the {@code webhook-signature}
 * header carries both signatures separated by a space; a subscriber accepts the request if any
 * of them verifies.
 *
 * <p>Instances hold no state and may be shared by any number of threads. Error messages name
 * what is wrong with a secret but never include the secret itself, since they end up in logs.
 */
public final class WebhookSigner {

    /** Header that carries the delivery's id; stable across retries, the subscriber's idempotency key. */
    public static final String ID_HEADER = "webhook-id";
    /** Header that carries the attempt's time in Unix seconds. */
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    /** Header that carries the space-separated signatures. */
    public static final String SIGNATURE_HEADER = "webhook-signature";
    /** How every symmetric signing secret begins. */
    public static final String SECRET_PREFIX = "whsec_";

    /** The specification asks for at least 192 bits of key. */
    static final int MIN_KEY_BYTES = 24;
    /** The specification caps keys at 512 bits. */
    static final int MAX_KEY_BYTES = 64;

    private static final String ALGORITHM = "HmacSHA256";
    private static final String VERSION = "v1,";

    /**
     * The value of the {@code webhook-signature} header for one attempt.
     *
     * @param webhookId        the delivery's id, sent as {@code webhook-id}; printable ASCII without {@code .}
     * @param timestampSeconds the attempt's time in Unix seconds, sent as {@code webhook-timestamp}
     * @param body             the exact bytes of the request body
     * @param secrets          the subscription's active secrets, newest first; two during a rotation
     * @return one {@code v1,<base64>} signature per secret, in the order of {@code secrets}, separated by a space
     * @throws IllegalArgumentException if the id, the timestamp or a secret is malformed, or no secret is given
     */
    public String signature(String webhookId, long timestampSeconds, byte[] body, List<String> secrets) {
        byte[] signedPrefix = signedPrefix(webhookId, timestampSeconds);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(secrets, "secrets");
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one signing secret is needed");
        }
        StringBuilder header = new StringBuilder(secrets.size() * 48);
        for (int i = 0; i < secrets.size(); i++) {
            byte[] key = key(secrets.get(i), i);
            if (i > 0) {
                header.append(' ');
            }
            header.append(VERSION).append(Base64.getEncoder().encodeToString(hmac(key, signedPrefix, body)));
        }
        return header.toString();
    }

    /** {@code id + "." + timestamp + "."}, the part of the signed content that precedes the body. */
    private static byte[] signedPrefix(String webhookId, long timestampSeconds) {
        Objects.requireNonNull(webhookId, "webhookId");
        if (webhookId.isEmpty()) {
            throw new IllegalArgumentException("webhook id must not be empty");
        }
        for (int i = 0; i < webhookId.length(); i++) {
            char c = webhookId.charAt(i);
            // A '.' would let one (id, timestamp) pair pass for another; the id also travels in a header.
            if (c == '.' || c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException(
                        "webhook id must be printable ASCII without '.' but was \"" + webhookId + "\"");
            }
        }
        if (timestampSeconds < 0) {
            throw new IllegalArgumentException("webhook timestamp must not be negative but was " + timestampSeconds);
        }
        return (webhookId + "." + timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII);
    }

    /** The key bytes of a {@code whsec_} secret; {@code index} names the secret in messages instead of its value. */
    private static byte[] key(String secret, int index) {
        String which = "signing secret #" + (index + 1);
        if (secret == null) {
            throw new IllegalArgumentException(which + " is missing");
        }
        if (!secret.startsWith(SECRET_PREFIX)) {
            throw new IllegalArgumentException(which + " must start with \"" + SECRET_PREFIX + "\"");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        } catch (IllegalArgumentException notBase64) {
            // The decoder's own message quotes a character of the secret, so it is not passed on.
            throw new IllegalArgumentException(which + " is not valid base64 after \"" + SECRET_PREFIX + "\"");
        }
        if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException(which + " must hold " + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES
                    + " key bytes but held " + key.length);
        }
        return key;
    }

    private static byte[] hmac(byte[] key, byte[] signedPrefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            mac.update(signedPrefix);
            mac.update(body);
            return mac.doFinal();
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // Every Java platform must provide HmacSHA256, and a non-empty key is always valid for it.
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
