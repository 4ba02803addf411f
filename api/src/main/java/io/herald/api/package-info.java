/**
 * The REST API, its security and the runnable application. Publish endpoints in {@code publish},
 * feeds in {@code feed}, tokens and scopes in {@code security}, the single error shape in
 * {@code problem}, and the local-database fallback in {@code database}.
 */
package io.herald.api;
