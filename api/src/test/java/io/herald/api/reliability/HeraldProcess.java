package io.herald.api.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Herald as the README starts it: the built jar ({@code api/target/herald-api-*.jar}, made by
 * {@code package} before failsafe runs) in a JVM of its own, in the {@code local} profile on
 * loopback, against the database given. The test can kill it (SIGKILL, as a crash or an OOM
 * killer would) and start another on the same database.
 */
final class HeraldProcess implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static int started;

    private final Process process;
    private final int port;
    private final Path log;

    private HeraldProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts Herald on a free loopback port with these settings (as {@code --name=value}) and waits until it is ready. */
    static HeraldProcess start(String name, Map<String, String> settings) throws IOException {
        int port = freePort();
        Path directory = Files.createDirectories(Path.of("target", "reliability"));
        Path log = directory.resolve(name + "-" + (++started) + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", jar().toString(),
                "--spring.profiles.active=local", "--server.port=" + port, "--herald.local-database.enabled=false"));
        settings.forEach((key, value) -> command.add("--" + key + "=" + value));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HeraldProcess herald = new HeraldProcess(process, port, log);
        try {
            Awaitility.await("Herald ready (log: " + log + ")").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("Herald exited with " + process.exitValue() + "; see " + log);
                        }
                        return herald.status("/actuator/health/readiness") == 200;
                    });
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
        return herald;
    }

    /** The jar {@code package} built. */
    static Path jar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("herald-api-.*\\.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException(
                            "no target/herald-api-*.jar: run the integration tests through mvn verify, which packages first"));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The status of a GET, or -1 when nothing answered. */
    int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String contentType, String body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    JsonNode get(String path, String token) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(url(path)).header("Authorization", "Bearer " + token).GET());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** A token from the local profile's token endpoint (its key is made at each start: ask each instance). */
    String agencyToken(String org) {
        try {
            HttpResponse<String> response = post("/local/token", "application/json", JSON.writeValueAsString(Map.of("org", org,
                    "scopes", List.of("altinn:events.publish", "altinn:events.subscribe"))), null);
            if (response.statusCode() != 200) {
                throw new IllegalStateException("no token: " + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body()).get("access_token").asString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL: no shutdown hook, no graceful stop, nothing flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Herald did not die within 30 s of SIGKILL");
        }
    }

    /** SIGTERM, and wait for the graceful stop. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    Path log() {
        return log;
    }
}
