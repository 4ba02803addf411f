package io.herald.store.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.herald.store.AppendResult;
import io.herald.store.IncomingEvent;
import io.herald.store.StoreProperties;
import io.herald.store.StoreUnavailableException;

/**
 * Commits concurrent publish requests together: a writer takes whatever requests are waiting (up to
 * a size cap), writes them in one transaction and answers them all after the commit. One fsync then
 * covers many requests, which is how single-event publishing keeps up with the database's raw
 * one-row-per-transaction rate (docs/adr/0003-group-commit-and-idempotency.md).
 *
 * <p>While one writer writes, requests that arrive wait for its next group rather than wake another
 * writer for a group of their own: another writer starts only when at least
 * {@code parallel-from-events} events are waiting (batches, a backlog). Two writers taking turns over
 * the few requests of eight clients wrote groups half the size, and each group costs a statement, a
 * commit and the wake-ups around them in both Herald and PostgreSQL (docs/benchmarks.md).
 */
final class GroupCommitter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);
    private static final int ATTEMPTS = 5;
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private record Pending(List<IncomingEvent> events, int bytes, CompletableFuture<AppendResult> answer) {
    }

    private final DataSource dataSource;
    private final EventWriter writer;
    private final Clock clock;
    private final StoreProperties.GroupCommit settings;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a writer may start a group ({@link #mayStart}) and when closing. */
    private final Condition work = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Events of the waiting requests; guarded by {@link #lock}. */
    private int queuedEvents;
    /** Writers with a group in hand; guarded by {@link #lock}. */
    private int writing;
    private final ExecutorService writers;
    /** Set by {@link #close}; guarded by {@link #lock}. */
    private boolean closed;

    GroupCommitter(DataSource dataSource, EventWriter writer, Clock clock, StoreProperties.GroupCommit settings) {
        this.dataSource = dataSource;
        this.writer = writer;
        this.clock = clock;
        this.settings = settings;
        var counter = new AtomicInteger();
        this.writers = Executors.newFixedThreadPool(settings.writers(), runnable -> {
            Thread thread = new Thread(runnable, "herald-publish-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        for (int i = 0; i < settings.writers(); i++) {
            writers.execute(this::run);
        }
    }

    CompletableFuture<AppendResult> submit(List<IncomingEvent> events) {
        var answer = new CompletableFuture<AppendResult>();
        int bytes = events.stream().mapToInt(e -> e.json().length()).sum();
        var pending = new Pending(List.copyOf(events), bytes, answer);
        lock.lock();
        try {
            // under the lock, as close() sets it: a request either lands before closing (and is written
            // or refused by close()) or sees that Herald is shutting down, never in a queue nobody reads
            if (closed) {
                answer.completeExceptionally(new StoreUnavailableException("Herald is shutting down", null));
                return answer;
            }
            if (queue.size() >= settings.queueCapacity()) {
                answer.completeExceptionally(new StoreUnavailableException(
                        "too many publish requests are waiting (" + settings.queueCapacity() + "); try again shortly", null));
                return answer;
            }
            queue.addLast(pending);
            queuedEvents += pending.events().size();
            if (mayStart()) {
                work.signal();
            }
        } finally {
            lock.unlock();
        }
        return answer;
    }

    /**
     * Whether a writer should start a group now: requests wait and nobody is writing, or so many events
     * wait that a transaction of their own is worth it. Holding {@link #lock}.
     */
    private boolean mayStart() {
        return !queue.isEmpty() && (writing == 0 || queuedEvents >= settings.parallelFromEvents());
    }

    /** A writer: takes a group whenever it may, writes it, and takes the next (after closing, until none is left). */
    private void run() {
        lock.lock();
        try {
            while (true) {
                while (!mayStart()) {
                    if (closed && queue.isEmpty()) {
                        return;
                    }
                    work.awaitNanos(IDLE_WAIT_NANOS);
                }
                List<Pending> group = takeGroup();
                writing++;
                lock.unlock();
                try {
                    commit(group);
                } finally {
                    lock.lock();
                    writing--;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** The waiting requests in order, up to the size cap (a single request is never split). Holding {@link #lock}. */
    private List<Pending> takeGroup() {
        List<Pending> group = new ArrayList<>();
        int events = 0;
        long bytes = 0;
        Pending next;
        while ((group.isEmpty() || events < settings.maxEvents() && bytes < settings.maxBytes().toBytes())
                && (next = queue.pollFirst()) != null) {
            group.add(next);
            events += next.events().size();
            bytes += next.bytes();
        }
        queuedEvents -= events;
        return group;
    }

    private void commit(List<Pending> group) {
        List<List<IncomingEvent>> requests = group.stream().map(Pending::events).toList();
        for (int attempt = 1; ; attempt++) {
            try {
                List<AppendResult> results = writeInTransaction(requests);
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).answer().complete(results.get(i));
                }
                return;
            } catch (EventWriter.ConcurrentKeyException | TransientWriteException e) {
                if (attempt == ATTEMPTS) {
                    fail(group, new StoreUnavailableException("publishing raced with concurrent publishers " + ATTEMPTS + " times", e));
                    return;
                }
                log.debug("Writing a group of {} publish requests again after: {}", group.size(), e.getMessage());
            } catch (SQLException e) {
                if (group.size() > 1 && isDataError(e)) {
                    // one request's data broke the statement: write each alone so only that one fails
                    group.forEach(pending -> commit(List.of(pending)));
                    return;
                }
                log.warn("Could not store a group of {} publish requests: {}", group.size(), e.toString());
                fail(group, new StoreUnavailableException("the event log could not store the events", e));
                return;
            } catch (RuntimeException e) {
                log.warn("Could not store a group of {} publish requests: {}", group.size(), e.toString());
                fail(group, new StoreUnavailableException("the event log could not store the events", e));
                return;
            }
        }
    }

    /** One round trip when no key is known yet; otherwise a transaction that plans around the stored keys. */
    private List<AppendResult> writeInTransaction(List<List<IncomingEvent>> requests) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            var atOnce = writer.writeAtOnce(connection, requests, clock.instant());
            if (atOnce.isPresent()) {
                return atOnce.get();
            }
            connection.setAutoCommit(false);
            try {
                List<AppendResult> results = writer.write(connection, requests, clock.instant());
                connection.commit();
                return results;
            } catch (SQLException e) {
                connection.rollback();
                if (e.getSQLState() != null && e.getSQLState().startsWith("40")) {
                    // deadlock or serialization failure: the group as a whole may simply run again
                    throw new TransientWriteException(e);
                }
                throw e;
            } catch (RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static final class TransientWriteException extends RuntimeException {
        TransientWriteException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** SQLSTATE class 22: the data itself was refused (bad encoding, value out of range, ...). */
    private static boolean isDataError(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("22");
    }

    private static void fail(List<Pending> group, Throwable cause) {
        group.forEach(p -> p.answer().completeExceptionally(cause));
    }

    /** Stops taking requests, writes those already waiting, then stops the writers. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        writers.shutdown();
        try {
            if (!writers.awaitTermination(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                writers.shutdownNow();
            }
        } catch (InterruptedException e) {
            writers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        List<Pending> left;
        lock.lock();
        try {
            left = List.copyOf(queue);
            queue.clear();
            queuedEvents = 0;
        } finally {
            lock.unlock();
        }
        left.forEach(p -> p.answer().completeExceptionally(new StoreUnavailableException("Herald is shutting down", null)));
    }
}
