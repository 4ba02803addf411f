package io.herald.subscriptions.access;

/** The caller may not read what it asked for (the API answers 403); the message says what is missing, never whose events exist. */
public class AccessDeniedException extends RuntimeException {

    public AccessDeniedException(String message) {
        super(message);
    }
}
