/**
 * Who may read which events: the caller's identities ({@link io.herald.subscriptions.access.Caller}),
 * the pluggable {@link io.herald.subscriptions.access.DecisionPoint} (built-in delegations or an external
 * XACML decision point) and {@link io.herald.subscriptions.access.AccessPolicy}, the one entry point
 * that feeds, subscription creation and the matcher ask. See docs/adr/0008-authorization.md.
 */
package io.herald.subscriptions.access;
