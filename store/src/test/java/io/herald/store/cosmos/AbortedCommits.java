package io.herald.store.cosmos;

import java.time.Instant;
import java.util.List;

import com.azure.cosmos.models.CosmosItemRequestOptions;
import com.azure.cosmos.models.PartitionKey;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.herald.store.EventPosition;
import io.herald.store.IncomingEvent;

/** Plays a writer that fails mid-commit on a Cosmos DB store, for tests here and in the modules that use the store. */
public final class AbortedCommits {

    private AbortedCommits() {
    }

    /**
     * Claims the next commit of {@code store}'s log, writes {@code events} under it and gives the
     * commit up, as a writer does when a write fails: the events are in the container, never to be
     * shown. Returns the commit's number.
     */
    public static long writeAndAbandon(CosmosEventStore store, List<IncomingEvent> events) {
        CommitLog commits = store.commitLog();
        CommitLog.Claim claim = commits.claim();
        for (int i = 0; i < events.size(); i++) {
            ObjectNode item = EventDocuments.event(events.get(i), new EventPosition(claim.number(), i + 1L), Instant.now());
            store.eventsContainer().createItem(item, new PartitionKey(item.get("subject").asText()), new CosmosItemRequestOptions())
                    .block();
        }
        commits.abandon(claim);
        return claim.number();
    }
}
