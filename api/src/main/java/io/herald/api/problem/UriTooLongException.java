package io.herald.api.problem;

/** The request's URL is longer than Herald can echo or accept; answered with 414 {@code uri-too-long}. */
public class UriTooLongException extends RuntimeException {

    public UriTooLongException(String message) {
        super(message);
    }
}
