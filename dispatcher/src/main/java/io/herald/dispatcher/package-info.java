/**
 * Push delivery: claiming due deliveries, signing, the webhook HTTP client, retries, circuit
 * breakers and dead letters. Public types at this package's root; the rest in {@code internal}.
 */
package io.herald.dispatcher;
