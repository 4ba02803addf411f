package io.herald.subscriptions.access;

import java.time.Instant;

/**
 * A party's grant in the built-in store: {@code grantee} may read the party's events of
 * {@code resource}, or of every resource when it is null.
 */
public record Delegation(long id, String party, String grantee, String resource, Instant createdAt) {
}
