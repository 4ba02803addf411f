package io.herald.store;

/** The log could not take or serve the request now (database down, overloaded, shutting down); worth retrying. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Waits up to {@code timeout} for a group commit's answer, as every store's publish does: a
     * refusal inside it is thrown as it is; an interrupt, a timeout or a failure is this exception.
     */
    public static AppendResult awaitCommit(java.util.concurrent.Future<AppendResult> answer, java.time.Duration timeout) {
        try {
            return answer.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for the commit", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new StoreUnavailableException("the commit took longer than " + timeout, e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new StoreUnavailableException("the event log could not store the events", e.getCause());
        }
    }
}
