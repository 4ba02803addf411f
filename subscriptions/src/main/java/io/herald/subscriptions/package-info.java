/**
 * Subscriptions: registration, the validation handshake, and matching each stored event against
 * them on the log's change feed; also the one HTTP client Herald calls endpoints with
 * ({@link io.herald.subscriptions.OutboundHttp}) and the guard it connects through
 * ({@link io.herald.subscriptions.OutboundGuard}). Public types at this package's root; the rest in
 * {@code internal}.
 */
package io.herald.subscriptions;
