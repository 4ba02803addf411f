package io.herald.store;

/** The log could not take or serve the request now (database down, overloaded, shutting down); worth retrying. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
