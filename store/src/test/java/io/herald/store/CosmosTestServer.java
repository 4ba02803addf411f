package io.herald.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.herald.store.cosmos.CosmosEventStore;

/**
 * The project's local Cosmos DB-compatible server ({@code tools/cosmos-server}, Node), started once
 * per test JVM on a free loopback port and stopped when the JVM exits. Installs its npm packages
 * first when they are missing ({@code npm ci}, from the committed lock file), so {@code mvn verify}
 * alone is enough. Each caller gets a database of its own.
 */
public final class CosmosTestServer {

    /** Any base64 text: the local server does not check signatures. */
    public static final String KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    private static String endpoint;

    private CosmosTestServer() {
    }

    /** The server's endpoint ({@code https://localhost:<port>/}), starting it on first use. */
    public static synchronized String endpoint() {
        if (endpoint == null) {
            endpoint = start();
        }
        return endpoint;
    }

    /** Store settings for a fresh database on the local server (gateway mode, as the server needs). */
    public static StoreProperties.Cosmos settings(String databasePrefix) {
        return StoreProperties.defaults().cosmos()
                .withAccount(endpoint(), KEY, databasePrefix + "_" + UUID.randomUUID().toString().substring(0, 8))
                .withGatewayMode(true);
    }

    /** A ready store on a fresh database of the local server. */
    public static CosmosEventStore store(String databasePrefix) {
        StoreProperties defaults = StoreProperties.defaults();
        StoreProperties properties = new StoreProperties(defaults.retention(), defaults.partitionsAhead(),
                defaults.maintenanceInterval(), defaults.groupCommit(), StoreProperties.Type.COSMOS, settings(databasePrefix));
        return CosmosEventStore.open(properties, Clock.systemUTC(), appended -> { });
    }

    private static String start() {
        // the SDK accepts the local server's self-signed certificate only with this switch
        System.setProperty("COSMOS.EMULATOR_SERVER_CERTIFICATE_VALIDATION_DISABLED", "true");
        Path folder = serverFolder();
        try {
            if (!Files.isDirectory(folder.resolve("node_modules"))) {
                run(new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(folder.toFile()), 300);
            }
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Process server = new ProcessBuilder("node", "server.js", "--port", Integer.toString(port), "--host", "127.0.0.1")
                    .directory(folder.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true).start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
            var ready = new CompletableFuture<Void>();
            var output = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            Thread reader = new Thread(() -> {
                try {
                    String line;
                    while ((line = output.readLine()) != null) {
                        if (line.startsWith("Ready")) {
                            ready.complete(null);
                        }
                    }
                } catch (IOException e) {
                    ready.completeExceptionally(e);
                }
                ready.completeExceptionally(new IllegalStateException("the local Cosmos DB server exited"));
            }, "cosmos-server-output");
            reader.setDaemon(true);
            reader.start();
            ready.get(60, TimeUnit.SECONDS);
            return "https://localhost:" + port + "/";
        } catch (Exception e) {
            throw new IllegalStateException("could not start the local Cosmos DB server in " + folder
                    + " (it needs node and npm): " + e.getMessage(), e);
        }
    }

    /**
     * Runs a command to its end. Its input is empty and its output goes to a file: the test JVM's own
     * standard input is the build tool's channel to it, and a child that shares it (npm makes it
     * non-blocking) corrupts that channel and fails the build.
     */
    private static void run(ProcessBuilder command, int timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("herald-cosmos-server-", ".log");
        Process process = command.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroy();
            throw new IllegalStateException(String.join(" ", command.command()) + " failed in " + command.directory()
                    + "; its output is in " + log);
        }
    }

    /** tools/cosmos-server in the repository, looked for upwards from the module's folder. */
    private static Path serverFolder() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("tools").resolve("cosmos-server");
            if (Files.isRegularFile(candidate.resolve("server.js"))) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("tools/cosmos-server not found above " + Path.of("").toAbsolutePath());
    }
}
