package io.herald.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One message digest of each kind per thread, reset and ready: looking an algorithm up costs more than
 * digesting an event's few hundred bytes, and every publish digests several times (content hash, key
 * digest, log range).
 */
public final class Digests {

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> named("SHA-256"));
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> named("MD5"));

    private Digests() {
    }

    /** This thread's SHA-256; {@code digest()} leaves it reset for the next use. */
    public static MessageDigest sha256() {
        return SHA_256.get();
    }

    /** This thread's MD5 (the log range's stable hash, not for security). */
    public static MessageDigest md5() {
        return MD5.get();
    }

    private static MessageDigest named(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required of every Java platform", e);
        }
    }
}
