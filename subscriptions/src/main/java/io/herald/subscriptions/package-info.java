/**
 * Subscriptions: registration, the validation handshake, and matching each stored event against
 * them on the log's change feed. Public types at this package's root; the rest in {@code internal}.
 */
package io.herald.subscriptions;
