package io.herald.archfixture.store;

import io.herald.archfixture.api.ApiReachingIn;

/** Breaks the layering on purpose: the store must not know the API. Used by ArchitectureTest only. */
public class StoreReachingUp {

    public Object wrong() {
        return new ApiReachingIn();
    }
}
