package io.herald.store.cosmos;

import com.azure.cosmos.CosmosException;

import io.herald.store.StoreUnavailableException;

/** Tells the Cosmos DB answers the store acts on from those it only reports. */
final class CosmosFailures {

    static final int NOT_FOUND = 404;
    static final int CONFLICT = 409;
    static final int PRECONDITION_FAILED = 412;

    private CosmosFailures() {
    }

    static boolean is(Throwable failure, int status) {
        return failure instanceof CosmosException cosmos && cosmos.getStatusCode() == status;
    }

    static StoreUnavailableException unavailable(String what, RuntimeException cause) {
        return new StoreUnavailableException(what, cause);
    }
}
