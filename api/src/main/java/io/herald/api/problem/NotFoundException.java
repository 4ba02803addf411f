package io.herald.api.problem;

/** What the caller asked for does not exist for it (or belongs to someone else); answered with 404 {@code not-found}. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String message) {
        super(message);
    }
}
