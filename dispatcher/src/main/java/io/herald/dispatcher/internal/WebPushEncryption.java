package io.herald.dispatcher.internal;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.function.Supplier;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Web Push message encryption (RFC 8291) in the {@code aes128gcm} content coding (RFC 8188), on
 * the JDK's own providers: ECDH on P-256, HKDF from HmacSHA256, AES-128-GCM. One record, so a
 * payload is at most {@value #MAX_PLAINTEXT} bytes. Each message has a fresh sender key pair and
 * salt; tests inject fixed ones to reproduce the RFCs' examples byte for byte.
 */
final class WebPushEncryption {

    /** The record size Herald writes: RFC 8291 lets a push service refuse anything larger than 4096. */
    static final int RECORD_SIZE = 4096;
    /** One record, less the 16-byte tag and the 1-byte padding delimiter. */
    static final int MAX_PLAINTEXT = RECORD_SIZE - 17;
    private static final int SALT_BYTES = 16;
    private static final ECParameterSpec P256 = p256();

    private final Supplier<KeyPair> senderKeys;
    private final Supplier<byte[]> salts;

    /** Fresh keys and salt for every message. */
    WebPushEncryption() {
        this(WebPushEncryption::newKeyPair, () -> {
            byte[] salt = new byte[SALT_BYTES];
            new SecureRandom().nextBytes(salt);
            return salt;
        });
    }

    /** With the sender's key pair and the salt chosen by the caller: for tests against published examples. */
    WebPushEncryption(Supplier<KeyPair> senderKeys, Supplier<byte[]> salts) {
        this.senderKeys = senderKeys;
        this.salts = salts;
    }

    /**
     * The {@code aes128gcm} body for one subscriber.
     *
     * @param receiverPublic the subscription's {@code keys.p256dh}: an uncompressed P-256 point, 65 bytes
     * @param authSecret     the subscription's {@code keys.auth}: 16 bytes
     */
    byte[] encrypt(byte[] plaintext, byte[] receiverPublic, byte[] authSecret) {
        if (plaintext.length > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("a push message holds at most " + MAX_PLAINTEXT + " bytes but this one has "
                    + plaintext.length);
        }
        try {
            KeyPair sender = senderKeys.get();
            byte[] senderPublic = encodePoint((ECPublicKey) sender.getPublic());
            KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
            agreement.init(sender.getPrivate());
            agreement.doPhase(publicKey(receiverPublic), true);
            byte[] shared = agreement.generateSecret();
            // RFC 8291 section 3.4: the auth secret salts the shared secret, bound to both public keys
            byte[] prkKey = hmac(authSecret, shared);
            byte[] ikm = hmac(prkKey, concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), receiverPublic, senderPublic,
                    new byte[] {1}));
            byte[] salt = salts.get();
            return aes128gcm(plaintext, ikm, salt, senderPublic);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the subscription's p256dh key is not a P-256 public key: " + e.getMessage(), e);
        }
    }

    /**
     * RFC 8188's {@code aes128gcm}: the header (salt, record size, key id) and one record of
     * {@code plaintext} followed by the last-record delimiter 2, sealed under a key and nonce
     * derived from {@code ikm} and {@code salt}.
     */
    static byte[] aes128gcm(byte[] plaintext, byte[] ikm, byte[] salt, byte[] keyId) throws GeneralSecurityException {
        byte[] prk = hmac(salt, ikm);
        byte[] cek = Arrays.copyOf(hmac(prk, "Content-Encoding: aes128gcm\0\1".getBytes(StandardCharsets.US_ASCII)), 16);
        byte[] nonce = Arrays.copyOf(hmac(prk, "Content-Encoding: nonce\0\1".getBytes(StandardCharsets.US_ASCII)), 12);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
        byte[] record = cipher.doFinal(concat(plaintext, new byte[] {2}));
        return ByteBuffer.allocate(SALT_BYTES + 4 + 1 + keyId.length + record.length)
                .put(salt).putInt(RECORD_SIZE).put((byte) keyId.length).put(keyId).put(record).array();
    }

    static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 is required of every JVM but failed: " + e.getMessage(), e);
        }
    }

    /** A P-256 public key from its uncompressed encoding (0x04, x, y). */
    static ECPublicKey publicKey(byte[] uncompressed) throws GeneralSecurityException {
        if (uncompressed.length != 65 || uncompressed[0] != 4) {
            throw new GeneralSecurityException("an uncompressed P-256 point has 65 bytes starting with 4");
        }
        ECPoint point = new ECPoint(new BigInteger(1, Arrays.copyOfRange(uncompressed, 1, 33)),
                new BigInteger(1, Arrays.copyOfRange(uncompressed, 33, 65)));
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, P256));
    }

    /** A P-256 private key from its 32-byte scalar. */
    static ECPrivateKey privateKey(byte[] scalar) throws GeneralSecurityException {
        if (scalar.length != 32) {
            throw new GeneralSecurityException("a P-256 private key has 32 bytes but this one has " + scalar.length);
        }
        return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(new BigInteger(1, scalar), P256));
    }

    /** The uncompressed encoding of a P-256 public key: 0x04, x and y, 32 bytes each. */
    static byte[] encodePoint(ECPublicKey key) {
        return concat(new byte[] {4}, unsigned32(key.getW().getAffineX()), unsigned32(key.getW().getAffineY()));
    }

    private static byte[] unsigned32(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - copy, out, 32 - copy, copy);
        return out;
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            buffer.put(part);
        }
        return buffer.array();
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 is required of every JVM but failed: " + e.getMessage(), e);
        }
    }
}
