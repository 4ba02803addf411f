package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Slow clients cannot starve Herald: 200 uploads that declare 100,000 bytes and send 10 a second,
 * opened at about 15 a second over raw sockets (anonymous instance-feed posts and authenticated
 * publishes), hold no worker thread, so an ordinary feed read and publish are still answered while
 * they are open; each slow body is answered 408 and closed once a window passes without the minimum
 * progress, and a client with too many requests in progress is refused with 503. The slow uploads
 * come from other loopback addresses (127.0.0.2–9, 25 each) than the ordinary requests (127.0.0.1),
 * as an attacker's would. Loopback only, bounded well under a minute.
 */
@TestPropertySource(properties = {
        "herald.connections.min-body-rate=1KB",
        "herald.connections.body-rate-window=30s",
        "herald.connections.max-per-client=30",
        "spring.quartz.scheduler-name=herald-slow-clients-it"})
class SlowClientsIT extends ApiTestSupport {

    private static final int SLOW_UPLOADS = 200;
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);

    private final List<SlowUpload> uploads = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService clients = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stop() {
        clients.shutdownNow();
        uploads.forEach(SlowUpload::close);
    }

    @Test
    void shouldAnswerOrdinaryRequestsWhile200SlowUploadsAreOpenAndCloseTheSlowBodies() {
        String publisher = publisherToken();
        clients.scheduleAtFixedRate(() -> {
            int n = uploads.size();
            if (n < SLOW_UPLOADS) {
                String from = "127.0.0." + (2 + n % 8);
                uploads.add(n % 2 == 0
                        ? SlowUpload.open(from, port, "/events/instanceeventsforinstance/" + UUID.randomUUID(), "application/json", null)
                        : SlowUpload.open(from, port, "/events/api/v1/events", "application/cloudevents+json", publisher));
            }
        }, 0, 66, TimeUnit.MILLISECONDS);
        clients.scheduleAtFixedRate(() -> uploads.forEach(SlowUpload::trickle), 1, 1, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(25)).until(() -> uploads.size() == SLOW_UPLOADS);
        assertThat(uploads).as("none answered yet: all 200 are open").noneMatch(SlowUpload::answered);

        String resource = uniqueResource();
        Response published = send(HttpRequest.newBuilder(url("/events/api/v1/events")).timeout(ANSWER_WITHIN)
                .header("Authorization", "Bearer " + publisher).header("Content-Type", "application/cloudevents+json")
                .POST(HttpRequest.BodyPublishers.ofString(cloudEvent(resource).toString())));
        Response read = send(HttpRequest.newBuilder(url("/events/api/v1/events?after=0&resource=" + encode(resource)))
                .timeout(ANSWER_WITHIN).header("Authorization", "Bearer " + agencyToken(TEST_AGENCY)).GET());
        Response anonymous = send(HttpRequest.newBuilder(url("/events/api/v1/instances/" + UUID.randomUUID() + "/events"))
                .timeout(ANSWER_WITHIN).GET());

        assertThat(published.status()).as(published.body()).isEqualTo(200);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json()).hasSize(1);
        assertThat(anonymous.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(45)).until(() -> uploads.stream().allMatch(SlowUpload::answered));
        // 408, or (when the client's bytes crossed the close) a reset connection: either way, closed
        assertThat(uploads).allSatisfy(upload -> assertThat(upload.answer()).matches("HTTP/1\\.1 408.*|closed: .*"));
        assertThat(uploads).anySatisfy(upload -> assertThat(upload.answer()).startsWith("HTTP/1.1 408"));
    }

    @Test
    void shouldRefuseAClientWithTooManyRequestsInProgress() {
        for (int i = 0; i < 35; i++) {
            uploads.add(SlowUpload.open("127.0.0.10", port, "/events/instanceeventsforinstance/" + UUID.randomUUID(),
                    "application/json", null));
        }
        SlowUpload fromAnother = SlowUpload.open("127.0.0.11", port, "/events/instanceeventsforinstance/" + UUID.randomUUID(),
                "application/json", null);

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            uploads.forEach(SlowUpload::trickle);
            return uploads.stream().filter(SlowUpload::answered).count() == 5;
        });
        assertThat(uploads.stream().filter(SlowUpload::answered).map(SlowUpload::answer))
                .as("the five beyond the 30 a client may have in progress").hasSize(5)
                .allSatisfy(answer -> assertThat(answer).startsWith("HTTP/1.1 503"));
        fromAnother.trickle();
        uploads.add(fromAnother);
        assertThat(fromAnother.answered()).as("another client is not affected").isFalse();
    }

    /** An upload over a raw socket from a chosen loopback address, sending its declared 100,000 bytes at 10 a second. */
    static final class SlowUpload {

        private final Socket socket;
        private volatile String answer;

        private SlowUpload(Socket socket) {
            this.socket = socket;
        }

        static SlowUpload open(String from, int port, String path, String contentType, String token) {
            try {
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress(from, 0));
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.setSoTimeout(5000);
                String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: " + contentType
                        + "\r\nContent-Length: 100000\r\n" + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n";
                OutputStream out = socket.getOutputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                // a JSON string that never ends: a streaming parser keeps reading instead of failing fast
                out.write("{\"data\":\"".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return new SlowUpload(socket);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Sends the next 10 bytes, unless Herald has answered (then reads the status line) or closed the connection. */
        synchronized void trickle() {
            if (answer != null) {
                return;
            }
            try {
                InputStream in = socket.getInputStream();
                if (in.available() > 0) {
                    answer = statusLine(in);
                    return;
                }
                socket.getOutputStream().write("xxxxxxxxxx".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            } catch (IOException e) {
                answer = "closed: " + e.getMessage();
            }
        }

        private static String statusLine(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b >= 0 && b != '\r' && b != '\n'; b = in.read()) {
                line.append((char) b);
            }
            return line.toString();
        }

        boolean answered() {
            return answer != null;
        }

        String answer() {
            return answer;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a test socket: nothing to do
            }
        }
    }
}
