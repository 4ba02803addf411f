package io.herald.api.problem;

/** A request body or batch beyond the configured limits; answered with 413. */
public class PayloadTooLargeException extends RuntimeException {

    public PayloadTooLargeException(String message) {
        super(message);
    }
}
