package io.herald.subscriptions;

import java.util.Arrays;

/**
 * The keys of a Web Push subscription as the subscriber's browser made them (the {@code keys} of a
 * {@code PushSubscription}): {@code p256dh}, its P-256 public key (65 bytes, uncompressed), and
 * {@code auth}, its 16-byte authentication secret. Stored encrypted; never logged.
 */
public record PushKeys(byte[] p256dh, byte[] auth) {

    public PushKeys {
        if (p256dh.length != 65 || p256dh[0] != 4) {
            throw new IllegalArgumentException("p256dh must be an uncompressed P-256 point: 65 bytes starting with 4");
        }
        if (auth.length != 16) {
            throw new IllegalArgumentException("auth must be 16 bytes but is " + auth.length);
        }
        p256dh = p256dh.clone();
        auth = auth.clone();
    }

    @Override
    public byte[] p256dh() {
        return p256dh.clone();
    }

    @Override
    public byte[] auth() {
        return auth.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PushKeys keys && Arrays.equals(p256dh, keys.p256dh) && Arrays.equals(auth, keys.auth);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(p256dh) + Arrays.hashCode(auth);
    }

    @Override
    public String toString() {
        return "PushKeys[…]";
    }
}
