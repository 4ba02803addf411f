package io.herald.dispatcher.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The browser's half of Web Push, written independently of Herald's sender for tests: decrypts an
 * {@code aes128gcm} body with the subscription's private key and auth secret, and verifies a VAPID
 * token against the public key.
 */
final class PushReceiver {

    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

    private PushReceiver() {
    }

    /** RFC 8188 decryption of a single-record body with the given input keying material. */
    static byte[] open(byte[] body, byte[] ikm) throws GeneralSecurityException {
        ByteBuffer buffer = ByteBuffer.wrap(body);
        byte[] salt = new byte[16];
        buffer.get(salt);
        buffer.getInt(); // record size
        byte[] keyId = new byte[buffer.get() & 0xff];
        buffer.get(keyId);
        byte[] record = new byte[buffer.remaining()];
        buffer.get(record);
        byte[] prk = WebPushEncryption.hmac(salt, ikm);
        byte[] cek = Arrays.copyOf(WebPushEncryption.hmac(prk, "Content-Encoding: aes128gcm\0\1".getBytes(StandardCharsets.US_ASCII)), 16);
        byte[] nonce = Arrays.copyOf(WebPushEncryption.hmac(prk, "Content-Encoding: nonce\0\1".getBytes(StandardCharsets.US_ASCII)), 12);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
        byte[] padded = cipher.doFinal(record);
        int end = padded.length - 1;
        while (end >= 0 && padded[end] == 0) {
            end--;
        }
        if (end < 0 || padded[end] != 2) {
            throw new GeneralSecurityException("the last record must end with the delimiter 2");
        }
        return Arrays.copyOf(padded, end);
    }

    /** RFC 8291 decryption: as the browser holding {@code receiverPrivate} and {@code authSecret} does it. */
    static byte[] decrypt(byte[] body, ECPrivateKey receiverPrivate, byte[] receiverPublic, byte[] authSecret)
            throws GeneralSecurityException {
        byte[] senderPublic = Arrays.copyOfRange(body, 21, 21 + (body[20] & 0xff));
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(receiverPrivate);
        agreement.doPhase(WebPushEncryption.publicKey(senderPublic), true);
        byte[] prkKey = WebPushEncryption.hmac(authSecret, agreement.generateSecret());
        byte[] ikm = WebPushEncryption.hmac(prkKey, WebPushEncryption.concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII),
                receiverPublic, senderPublic, new byte[] {1}));
        return open(body, ikm);
    }

    /**
     * The claims of a VAPID {@code Authorization} header whose signature verifies against
     * {@code expectedKey} and whose {@code k} is that key; throws otherwise.
     */
    static String verifiedClaims(String authorization, byte[] expectedKey) throws GeneralSecurityException {
        if (!authorization.startsWith("vapid t=")) {
            throw new GeneralSecurityException("not a vapid authorization: " + authorization);
        }
        String[] parts = authorization.substring("vapid ".length()).split(",\\s*");
        String token = parts[0].substring(2);
        byte[] key = BASE64URL.decode(parts[1].substring(2));
        if (!Arrays.equals(key, expectedKey)) {
            throw new GeneralSecurityException("k is not the expected public key");
        }
        String[] jwt = token.split("\\.");
        Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
        signature.initVerify(WebPushEncryption.publicKey(expectedKey));
        signature.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
        if (!signature.verify(BASE64URL.decode(jwt[2]))) {
            throw new GeneralSecurityException("the VAPID signature does not verify");
        }
        return new String(BASE64URL.decode(jwt[1]), StandardCharsets.UTF_8);
    }
}
