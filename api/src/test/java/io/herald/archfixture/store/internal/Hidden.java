package io.herald.archfixture.store.internal;

/** A store internal, for ArchitectureTest. */
public class Hidden {
}
