package io.herald.subscriptions.access;

/** A delegation that names a party, grantee or resource in a form Herald does not know; names the field. */
public class InvalidDelegationException extends RuntimeException {

    private final String field;

    public InvalidDelegationException(String field, String message) {
        super(field + " " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
