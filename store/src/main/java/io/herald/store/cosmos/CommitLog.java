package io.herald.store.cosmos;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import com.azure.cosmos.CosmosAsyncContainer;
import com.azure.cosmos.models.CosmosItemRequestOptions;
import com.azure.cosmos.models.CosmosItemResponse;
import com.azure.cosmos.models.CosmosQueryRequestOptions;
import com.azure.cosmos.models.FeedResponse;
import com.azure.cosmos.models.PartitionKey;
import com.azure.cosmos.models.SqlParameter;
import com.azure.cosmos.models.SqlQuerySpec;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.herald.store.EventPosition;
import io.herald.store.UnknownPositionException;

/**
 * The order of the log on Cosmos DB: commit numbers 1, 2, 3, … claimed by creating the document
 * {@code <n>} in the commits container, which succeeds for one writer only, and only once
 * {@code n - 1} exists. A writer stores its events under its number, then marks the commit done
 * with an ETag check. The horizon document records the highest number up to which every commit is
 * done or aborted: readers never look past it, so nothing can appear behind a cursor. A commit left
 * open past its deadline (its writer died) is aborted by whoever advances the horizon; its
 * writer's late completion then fails, and its events stay invisible.
 * <p>
 * Each aborted commit is recorded as a small marker item of its own, in one logical partition of
 * the events container ({@link #ABORTED_PARTITION}), written before the horizon moves over it; the
 * horizon item itself keeps only two numbers ({@code through} and {@code lastAborted}), so it never
 * grows. Readers whose range reaches no further back than {@code lastAborted} ask nothing more;
 * the others read the markers of their range, at most {@link #MAX_ABORTED_PER_READ} at a time.
 * Markers expire a day after the retention, when every event they hide has expired.
 * See docs/adr/0009-cosmos-store.md.
 */
final class CommitLog {

    static final String HORIZON = "horizon";
    /** The events container's logical partition holding one marker per aborted commit. */
    static final String ABORTED_PARTITION = "~herald:aborted-commits";
    /** The most aborted commits one read excludes: a read over more stops at the last of them. */
    static final int MAX_ABORTED_PER_READ = 256;
    private static final String MARKER_PREFIX = "aborted-";
    private static final long MARKER_GRACE_SECONDS = 86_400;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int MAX_STEPS_PER_ADVANCE = 10_000;

    /**
     * Everything up to {@code through} is settled; {@code lastAborted} is the highest aborted commit
     * among them (0: none), so a read after it needs no marker.
     */
    record Horizon(long through, long lastAborted) {
    }

    /** What one read may cover: commits up to {@code through}, settled, of which {@code aborted} were given up. */
    record Settled(long through, Set<Long> aborted) {
    }

    /** A claimed commit: its number and the ETag its completion is checked against. */
    record Claim(long number, String etag) {
    }

    private final CosmosAsyncContainer commits;
    private final CosmosAsyncContainer events;
    private final int markerTtlSeconds;
    private final Clock clock;
    private final Duration timeout;
    private final AtomicLong highestSeen = new AtomicLong();

    CommitLog(CosmosContainers containers, Clock clock, Duration timeout) {
        this.commits = containers.commits();
        this.events = containers.events();
        this.markerTtlSeconds = (int) Math.min(Integer.MAX_VALUE, containers.retentionSeconds() + MARKER_GRACE_SECONDS);
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

    /** The horizon as stored, without moving it (one written by an earlier version is converted first). */
    Horizon horizon() {
        ObjectNode stored = read(HORIZON);
        if (stored != null && !legacyAborted(stored).isEmpty()) {
            return advance();
        }
        return stored == null ? new Horizon(0, 0) : parse(stored);
    }

    /**
     * Moves the horizon over every commit that is settled (done, aborted, or open past its
     * deadline, which is aborted here) and returns it. The marker of each aborted commit is written
     * before the horizon passes it, so a reader that sees the horizon finds the markers below it.
     */
    Horizon advance() {
        while (true) {
            CosmosItemResponse<ObjectNode> response = readResponse(HORIZON);
            ObjectNode stored = response == null ? null : response.getItem();
            Horizon current = stored == null ? new Horizon(0, 0) : parse(stored);
            List<Long> legacy = stored == null ? List.of() : legacyAborted(stored);
            long through = current.through();
            long lastAborted = current.lastAborted();
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
                    markAborted(through + 1);
                    lastAborted = through + 1;
                }
                through++;
            }
            highestSeen.accumulateAndGet(through, Math::max);
            if (through == current.through() && legacy.isEmpty()) {
                return current;
            }
            // a horizon of an earlier version listed its aborted commits itself: they become markers
            legacy.forEach(this::markAborted);
            ObjectNode horizon = JSON.objectNode();
            horizon.put("id", HORIZON);
            horizon.put("ttl", -1); // the commits expire with the retention; the horizon never
            horizon.put("through", through);
            horizon.put("lastAborted", lastAborted);
            try {
                if (response == null) {
                    commits.createItem(horizon, new PartitionKey(HORIZON), new CosmosItemRequestOptions()).block();
                } else {
                    commits.replaceItem(horizon, HORIZON, new PartitionKey(HORIZON),
                            new CosmosItemRequestOptions().setIfMatchETag(response.getETag())).block();
                }
                return new Horizon(through, lastAborted);
            } catch (RuntimeException e) {
                if (!CosmosFailures.is(e, CosmosFailures.PRECONDITION_FAILED) && !CosmosFailures.is(e, CosmosFailures.CONFLICT)) {
                    throw CosmosFailures.unavailable("could not move the horizon", e);
                }
                // another instance moved it first: read it again
            }
        }
    }

    /**
     * Records (again) that commit {@code number} was aborted, with a fresh time to live: the marker
     * hides the commit's events from every reader and outlives them by a day.
     */
    void markAborted(long number) {
        ObjectNode marker = JSON.objectNode();
        marker.put("id", MARKER_PREFIX + number);
        marker.put("subject", ABORTED_PARTITION);
        marker.put("abortedCommit", number);
        marker.put("ttl", markerTtlSeconds);
        try {
            events.upsertItem(marker, new PartitionKey(ABORTED_PARTITION), new CosmosItemRequestOptions()).block();
        } catch (RuntimeException e) {
            throw CosmosFailures.unavailable("could not record aborted commit " + number, e);
        }
    }

    /**
     * What a read after commit {@code fromTx} may cover under {@code horizon}: up to the horizon,
     * without the aborted commits from {@code fromTx} on. A range holding more than
     * {@link #MAX_ABORTED_PER_READ} aborted commits is cut at the last one listed (the reader's
     * next page goes on from there), so a read never carries an unbounded list.
     */
    Settled settledFrom(long fromTx, Horizon horizon) {
        if (horizon.lastAborted() < fromTx) {
            return new Settled(horizon.through(), Set.of());
        }
        List<Long> aborted = markers(new SqlQuerySpec("SELECT TOP " + MAX_ABORTED_PER_READ
                + " * FROM c WHERE c.abortedCommit >= @from AND c.abortedCommit <= @through ORDER BY c.abortedCommit",
                List.of(new SqlParameter("@from", fromTx), new SqlParameter("@through", horizon.through()))));
        long through = aborted.size() < MAX_ABORTED_PER_READ ? horizon.through() : aborted.get(aborted.size() - 1);
        return new Settled(through, new TreeSet<>(aborted));
    }

    /** Which of these settled commits were aborted. */
    Set<Long> abortedAmong(Collection<Long> numbers, Horizon horizon) {
        List<Long> candidates = numbers.stream().filter(n -> n <= horizon.lastAborted()).distinct().toList();
        if (candidates.isEmpty()) {
            return Set.of();
        }
        return new TreeSet<>(markers(new SqlQuerySpec("SELECT * FROM c WHERE ARRAY_CONTAINS(@numbers, c.abortedCommit)",
                List.of(new SqlParameter("@numbers", candidates)))));
    }

    /**
     * Refuses a read after a position this log never handed out. Every position it hands out lies
     * in a claimed commit, or is the head {@code (through + 1, 0)} of a short page; claims are dense
     * (commit {@code n} is claimed only once {@code n - 1} exists), so a commit number beyond the
     * head that was never claimed lies beyond every position issued. The commit item is read only
     * for a cursor beyond the head: the usual polling cursor costs nothing more.
     */
    void checkIssued(EventPosition after, Horizon horizon) {
        if (after.tx() > horizon.through() + 1 && state(after.tx()) == null) {
            throw new UnknownPositionException(after, after.tx());
        }
    }

    private List<Long> markers(SqlQuerySpec spec) {
        CosmosQueryRequestOptions options = new CosmosQueryRequestOptions().setPartitionKey(new PartitionKey(ABORTED_PARTITION));
        List<Long> found = new ArrayList<>();
        try {
            for (FeedResponse<ObjectNode> page : events.queryItems(spec, options, ObjectNode.class).byPage(MAX_ABORTED_PER_READ).toIterable()) {
                page.getResults().forEach(marker -> found.add(marker.path("abortedCommit").asLong()));
                if (found.size() >= MAX_ABORTED_PER_READ) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            throw CosmosFailures.unavailable("could not read the aborted commits", e);
        }
        return found.size() > MAX_ABORTED_PER_READ ? found.subList(0, MAX_ABORTED_PER_READ) : found;
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
        long lastAborted = stored.path("lastAborted").asLong();
        for (long legacy : legacyAborted(stored)) {
            lastAborted = Math.max(lastAborted, legacy);
        }
        return new Horizon(stored.path("through").asLong(), lastAborted);
    }

    /** The list of aborted commits a horizon written by an earlier version of Herald kept. */
    private static List<Long> legacyAborted(ObjectNode stored) {
        List<Long> aborted = new ArrayList<>();
        stored.path("aborted").forEach(n -> aborted.add(n.asLong()));
        return aborted;
    }
}
