/**
 * How subscriptions are kept: their table and the catalog version every change takes, the
 * checks a new one must pass, the sealing of signing secrets, the validation handshake, and
 * matching on the event log's change feed.
 */
package io.herald.subscriptions.internal;
