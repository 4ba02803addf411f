/**
 * The subscriber portal, {@code /portal}: a static page (HTML, CSS and JavaScript modules shipped
 * in the jar, nothing from elsewhere) through which a subscriber manages its subscriptions with
 * Herald's public API alone, and what the page needs to start: how to sign in
 * ({@code /portal/config.json}) and the strict Content-Security-Policy it is served with. See
 * docs/portal.md and docs/adr/0019-subscriber-portal.md.
 */
package io.herald.api.portal;
