package io.herald.subscriptions.internal;

import io.herald.subscriptions.PushOptions;
import io.herald.subscriptions.SubscriptionId;

/**
 * A handshake this instance has claimed and is about to send.
 *
 * @param attempt      which attempt this is, from 1
 * @param sealedSecret the signing secret as stored, to sign the handshake like every delivery
 * @param contentType  the {@code Content-Type} the subscription's pushes have, so the handshake has it too
 */
record PendingHandshake(SubscriptionId id, String endpoint, String resource, int attempt, byte[] sealedSecret,
        PushOptions.ContentType contentType) {
}
