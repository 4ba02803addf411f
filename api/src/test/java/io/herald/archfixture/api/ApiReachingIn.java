package io.herald.archfixture.api;

import io.herald.archfixture.store.internal.Hidden;

/** Breaks encapsulation on purpose: reaches into the store's internals. Used by ArchitectureTest only. */
public class ApiReachingIn {

    public Object wrong() {
        return new Hidden();
    }
}
