package io.herald.subscriptions.access;

/** A decision point's answer, as the XACML profile names them. Only {@link #PERMIT} lets a caller read. */
public enum Decision {
    PERMIT, DENY, NOT_APPLICABLE, INDETERMINATE;

    public boolean permits() {
        return this == PERMIT;
    }
}
