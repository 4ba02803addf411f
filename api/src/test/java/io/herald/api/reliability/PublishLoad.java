package io.herald.api.reliability;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import tools.jackson.databind.node.ObjectNode;

/**
 * Publishers that keep posting events of one resource to whichever Herald is current, and keep
 * the ids Herald acknowledged (200). A request that fails or gets no answer (Herald killed, its
 * database down) is not acknowledged and is not retried: only what Herald said it stored counts.
 */
final class PublishLoad implements AutoCloseable {

    private final String resource;
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refused = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private volatile HeraldProcess herald;
    private volatile String token;
    private volatile boolean running = true;

    PublishLoad(String resource, int publishers) {
        this.resource = resource;
        for (int i = 0; i < publishers; i++) {
            Thread thread = new Thread(this::publish, "publisher-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    /** Points the publishers at this Herald (and its token), and starts them the first time. */
    void target(HeraldProcess herald, String token) {
        this.token = token;
        this.herald = herald;
        threads.stream().filter(t -> t.getState() == Thread.State.NEW).forEach(Thread::start);
    }

    Set<String> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    /** Requests answered with anything but 200, or not answered at all. */
    int refused() {
        return refused.get();
    }

    private void publish() {
        while (running) {
            String id = UUID.randomUUID().toString();
            ObjectNode event = HeraldProcess.JSON.createObjectNode();
            event.put("specversion", "1.0");
            event.put("id", id);
            event.put("source", "https://ttd.apps.example/ttd/reliability/instances/50001/" + id);
            event.put("type", "app.instance.created");
            event.put("resource", resource);
            try {
                HttpResponse<String> response = herald.post("/events/api/v1/events", "application/cloudevents+json",
                        event.toString(), token);
                if (response.statusCode() == 200) {
                    acknowledged.add(id);
                    continue;
                }
            } catch (Exception e) {
                // killed or unreachable: not acknowledged
            }
            refused.incrementAndGet();
            LockSupport.parkNanos(50_000_000L); // a failing Herald is not hammered by the load itself
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(30_000);
        }
    }
}
