package io.herald.store.cosmos;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.herald.store.AppendResult;
import io.herald.store.IncomingEvent;
import io.herald.store.StoreProperties;
import io.herald.store.StoreUnavailableException;

/**
 * Commits concurrent publish requests together, as the PostgreSQL store does: each writer takes
 * whatever requests are waiting (up to {@code max-events}) and writes them under one commit, so the
 * commit log's cost (claim, complete, horizon) is shared by the group instead of paid per request.
 */
final class CosmosGroupCommitter implements AutoCloseable {

    private record Pending(List<IncomingEvent> request, CompletableFuture<AppendResult> answer) {
    }

    private final BlockingQueue<Pending> queue;
    private final StoreProperties.GroupCommit settings;
    private final Function<List<List<IncomingEvent>>, List<AppendResult>> writeGroup;
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean closing;

    CosmosGroupCommitter(StoreProperties.GroupCommit settings, Function<List<List<IncomingEvent>>, List<AppendResult>> writeGroup) {
        this.settings = settings;
        this.writeGroup = writeGroup;
        this.queue = new LinkedBlockingQueue<>(settings.queueCapacity());
        for (int i = 0; i < settings.writers(); i++) {
            Thread writer = new Thread(this::run, "herald-cosmos-publish-" + (i + 1));
            writer.setDaemon(true);
            writer.start();
            writers.add(writer);
        }
    }

    /** Waits until the request is committed (or refused) and answers for it. */
    AppendResult submit(List<IncomingEvent> request) {
        if (closing) {
            throw new StoreUnavailableException("the event log is shutting down", null);
        }
        var pending = new Pending(request, new CompletableFuture<>());
        if (!queue.offer(pending)) {
            throw new StoreUnavailableException("more than " + settings.queueCapacity() + " publish requests are waiting", null);
        }
        return StoreUnavailableException.awaitCommit(pending.answer(), settings.timeout());
    }

    private void run() {
        while (!closing || !queue.isEmpty()) {
            List<Pending> group = new ArrayList<>();
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
            } catch (InterruptedException e) {
                if (closing) {
                    continue;
                }
                return;
            }
            int events = group.get(0).request().size();
            Pending next;
            while (events < settings.maxEvents() && (next = queue.peek()) != null
                    && events + next.request().size() <= settings.maxEvents() && queue.remove(next)) {
                group.add(next);
                events += next.request().size();
            }
            write(group);
        }
    }

    private void write(List<Pending> group) {
        try {
            List<AppendResult> results = writeGroup.apply(group.stream().map(Pending::request).toList());
            for (int i = 0; i < group.size(); i++) {
                group.get(i).answer().complete(results.get(i));
            }
        } catch (RuntimeException e) {
            group.forEach(pending -> pending.answer().completeExceptionally(e));
        }
    }

    /** Takes no more requests, writes those already waiting, and stops the writers. */
    @Override
    public void close() {
        closing = true;
        for (Thread writer : writers) {
            try {
                writer.join(settings.timeout().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
