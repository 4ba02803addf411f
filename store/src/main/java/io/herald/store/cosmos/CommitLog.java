package io.herald.store.cosmos;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import com.azure.cosmos.CosmosAsyncContainer;
import com.azure.cosmos.models.CosmosItemRequestOptions;
import com.azure.cosmos.models.CosmosItemResponse;
import com.azure.cosmos.models.PartitionKey;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The order of the log on Cosmos DB: commit numbers 1, 2, 3, … claimed by creating the document
 * {@code <n>} in the commits container, which succeeds for one writer only, and only once
 * {@code n - 1} exists. A writer stores its events under its number, then marks the commit done
 * with an ETag check. The horizon document records the highest number up to which every commit is
 * done or aborted: readers never look past it, so nothing can appear behind a cursor. A commit left
 * open past its deadline (its writer died) is aborted by whoever advances the horizon; its
 * writer's late completion then fails, and its events stay invisible. See docs/adr/0009-cosmos-store.md.
 */
final class CommitLog {

    static final String HORIZON = "horizon";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int MAX_STEPS_PER_ADVANCE = 10_000;

    /** Everything up to {@code through} is settled; {@code aborted} lists the aborted commits among them. */
    record Horizon(long through, Set<Long> aborted) {
    }

    /** A claimed commit: its number and the ETag its completion is checked against. */
    record Claim(long number, String etag) {
    }

    private final CosmosAsyncContainer commits;
    private final Clock clock;
    private final Duration timeout;
    private final AtomicLong highestSeen = new AtomicLong();

    CommitLog(CosmosAsyncContainer commits, Clock clock, Duration timeout) {
        this.commits = commits;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** Claims the next free commit number. */
    Claim claim() {
        long number = Math.max(highestSeen.get(), horizon().through()) + 1;
        while (true) {
            ObjectNode commit = JSON.objectNode();
            commit.put("id", Long.toString(number));
            commit.put("state", "open");
            commit.put("deadline", clock.millis() + timeout.toMillis());
            try {
                CosmosItemResponse<ObjectNode> created = commits.createItem(commit, new PartitionKey(commit.get("id").asText()),
                        new CosmosItemRequestOptions()).block();
                highestSeen.accumulateAndGet(number, Math::max);
                return new Claim(number, created.getETag());
            } catch (RuntimeException e) {
                if (!CosmosFailures.is(e, CosmosFailures.CONFLICT)) {
                    throw CosmosFailures.unavailable("could not claim a commit", e);
                }
                highestSeen.accumulateAndGet(number, Math::max);
                number++;
            }
        }
    }

    /** Marks the claim done; false when it was aborted meanwhile (its writer was too slow). */
    boolean complete(Claim claim) {
        return settle(claim, "done");
    }

    /** Gives the claim up: whatever was written under it stays invisible, and keys pointing at it count as absent. */
    void abandon(Claim claim) {
        settle(claim, "aborted");
    }

    private boolean settle(Claim claim, String state) {
        ObjectNode commit = JSON.objectNode();
        commit.put("id", Long.toString(claim.number()));
        commit.put("state", state);
        try {
            commits.replaceItem(commit, commit.get("id").asText(), new PartitionKey(commit.get("id").asText()),
                    new CosmosItemRequestOptions().setIfMatchETag(claim.etag())).block();
            return true;
        } catch (RuntimeException e) {
            if (CosmosFailures.is(e, CosmosFailures.PRECONDITION_FAILED)) {
                return false;
            }
            throw CosmosFailures.unavailable("could not complete commit " + claim.number(), e);
        }
    }

    /** The state of one commit: {@code open}, {@code done}, {@code aborted}, or null when it does not exist. */
    String state(long number) {
        ObjectNode commit = read(Long.toString(number));
        return commit == null ? null : commit.path("state").asText();
    }

    /** The horizon as stored, without moving it. */
    Horizon horizon() {
        ObjectNode stored = read(HORIZON);
        return stored == null ? new Horizon(0, Set.of()) : parse(stored);
    }

    /**
     * Moves the horizon over every commit that is settled (done, aborted, or open past its
     * deadline, which is aborted here) and returns it.
     */
    Horizon advance() {
        while (true) {
            CosmosItemResponse<ObjectNode> response = readResponse(HORIZON);
            ObjectNode stored = response == null ? null : response.getItem();
            Horizon current = stored == null ? new Horizon(0, Set.of()) : parse(stored);
            long through = current.through();
            Set<Long> aborted = new TreeSet<>(current.aborted());
            int steps = 0;
            while (steps++ < MAX_STEPS_PER_ADVANCE) {
                CosmosItemResponse<ObjectNode> next = readResponse(Long.toString(through + 1));
                if (next == null) {
                    break;
                }
                String state = next.getItem().path("state").asText();
                if (state.equals("open") && next.getItem().path("deadline").asLong() < clock.millis()) {
                    state = abort(next) ? "aborted" : "retry";
                }
                if (state.equals("retry")) {
                    continue;
                }
                if (state.equals("open")) {
                    break;
                }
                if (state.equals("aborted")) {
                    aborted.add(through + 1);
                }
                through++;
            }
            highestSeen.accumulateAndGet(through, Math::max);
            if (through == current.through()) {
                return current;
            }
            ObjectNode horizon = JSON.objectNode();
            horizon.put("id", HORIZON);
            horizon.put("ttl", -1); // the commits expire with the retention; the horizon never
            horizon.put("through", through);
            ArrayNode list = horizon.putArray("aborted");
            aborted.forEach(list::add);
            try {
                if (response == null) {
                    commits.createItem(horizon, new PartitionKey(HORIZON), new CosmosItemRequestOptions()).block();
                } else {
                    commits.replaceItem(horizon, HORIZON, new PartitionKey(HORIZON),
                            new CosmosItemRequestOptions().setIfMatchETag(response.getETag())).block();
                }
                return new Horizon(through, aborted);
            } catch (RuntimeException e) {
                if (!CosmosFailures.is(e, CosmosFailures.PRECONDITION_FAILED) && !CosmosFailures.is(e, CosmosFailures.CONFLICT)) {
                    throw CosmosFailures.unavailable("could not move the horizon", e);
                }
                // another instance moved it first: read it again
            }
        }
    }

    private boolean abort(CosmosItemResponse<ObjectNode> open) {
        ObjectNode commit = open.getItem().deepCopy();
        commit.put("state", "aborted");
        try {
            commits.replaceItem(commit, commit.get("id").asText(), new PartitionKey(commit.get("id").asText()),
                    new CosmosItemRequestOptions().setIfMatchETag(open.getETag())).block();
            return true;
        } catch (RuntimeException e) {
            if (CosmosFailures.is(e, CosmosFailures.PRECONDITION_FAILED)) {
                return false;
            }
            throw CosmosFailures.unavailable("could not abort commit " + commit.get("id").asText(), e);
        }
    }

    private ObjectNode read(String id) {
        CosmosItemResponse<ObjectNode> response = readResponse(id);
        return response == null ? null : response.getItem();
    }

    private CosmosItemResponse<ObjectNode> readResponse(String id) {
        try {
            return commits.readItem(id, new PartitionKey(id), ObjectNode.class).block();
        } catch (RuntimeException e) {
            if (CosmosFailures.is(e, CosmosFailures.NOT_FOUND)) {
                return null;
            }
            throw CosmosFailures.unavailable("could not read the commit log", e);
        }
    }

    private static Horizon parse(ObjectNode stored) {
        List<Long> aborted = new ArrayList<>();
        stored.path("aborted").forEach(n -> aborted.add(n.asLong()));
        return new Horizon(stored.path("through").asLong(), new TreeSet<>(aborted));
    }
}
