package io.herald.subscriptions;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;

/**
 * The one outbound HTTP client against real HTTP servers (WireMock): what it keeps of an answer,
 * and the outbound guard checked on the addresses it connects to (issue 5, "Push delivery": no
 * connection to internal addresses, checked at connect time so DNS rebinding fails).
 */
class OutboundHttpIT {

    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final byte[] EVENT = "{\"specversion\":\"1.0\"}".getBytes(StandardCharsets.UTF_8);
    private static final OutboundGuard LOOPBACK_ALLOWED = new OutboundGuard(List.of("127.0.0.0/8"));
    private static final OutboundGuard NOTHING_ALLOWED = new OutboundGuard(List.of());

    private final WireMockServer endpoint = new WireMockServer(options().dynamicPort());
    private final WireMockServer slowEndpoint = new WireMockServer(options().dynamicPort());
    private final List<OutboundHttp> clients = new ArrayList<>();

    @BeforeEach
    void startEndpoints() {
        endpoint.start();
        slowEndpoint.start();
        endpoint.stubFor(post(anyUrl()).willReturn(ok()));
    }

    @AfterEach
    void stopAll() {
        clients.forEach(OutboundHttp::close);
        endpoint.stop();
        slowEndpoint.stop();
    }

    private OutboundHttp client(OutboundGuard guard) {
        return client(guard, Duration.ofSeconds(5), 8);
    }

    private OutboundHttp client(OutboundGuard guard, Duration responseTimeout, int perEndpoint) {
        OutboundHttp client = new OutboundHttp(guard, new OutboundHttp.Settings("test-http", Duration.ofSeconds(2),
                responseTimeout, 64, perEndpoint));
        clients.add(client);
        return client;
    }

    private static OutboundResult send(OutboundHttp client, String url) {
        return client.post(URI.create(url), EVENT, Map.of("webhook-id", "msg_1")).join();
    }

    private String url(String host) {
        return "http://" + host + ":" + endpoint.port() + "/hook";
    }

    @Test
    void shouldPostTheEventAndKeepStatusRetryAfterAndTheFirst512BytesOfTheAnswer() {
        endpoint.stubFor(post(urlEqualTo("/busy")).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "7")
                .withBody("x".repeat(10_000))));

        OutboundHttp client = client(LOOPBACK_ALLOWED);

        OutboundResult result = send(client, "http://127.0.0.1:" + endpoint.port() + "/busy");

        assertThat(result).isInstanceOfSatisfying(OutboundResult.Answered.class, answered -> {
            assertThat(answered.status()).isEqualTo(503);
            assertThat(answered.retryAfter()).contains("7");
            assertThat(answered.excerpt()).isEqualTo("x".repeat(512));
            assertThat(answered.latencyMillis()).isNotNegative();
        });
        endpoint.verify(postRequestedFor(urlEqualTo("/busy"))
                .withHeader("Content-Type", equalTo("application/cloudevents+json"))
                .withHeader("webhook-id", equalTo("msg_1")));
        assertThat(endpoint.findAll(postRequestedFor(urlEqualTo("/busy"))).get(0).getBody()).isEqualTo(EVENT);
        assertThat(send(client, url("127.0.0.1"))).as("the connection cut after the excerpt is not reused")
                .isInstanceOf(OutboundResult.Answered.class);
    }

    @Test
    void shouldNotFollowARedirect() {
        endpoint.stubFor(post(urlEqualTo("/moved")).willReturn(aResponse().withStatus(307).withHeader("Location", "/elsewhere")));

        OutboundResult result = send(client(LOOPBACK_ALLOWED), "http://127.0.0.1:" + endpoint.port() + "/moved");

        assertThat(result).isInstanceOfSatisfying(OutboundResult.Answered.class, answered -> assertThat(answered.status()).isEqualTo(307));
        endpoint.verify(0, anyRequestedFor(urlEqualTo("/elsewhere")));
    }

    @Test
    void shouldGiveUpOnAnEndpointThatDoesNotAnswerWithinTheResponseTimeout() {
        slowEndpoint.stubFor(post(anyUrl()).willReturn(ok().withFixedDelay(30_000)));

        OutboundResult result = send(client(LOOPBACK_ALLOWED, Duration.ofMillis(500), 8),
                "http://127.0.0.1:" + slowEndpoint.port() + "/hook");

        assertThat(result).isInstanceOfSatisfying(OutboundResult.Failed.class, failed -> {
            assertThat(failed.errorClass()).isEqualTo("SocketTimeoutException");
            assertThat(failed.latencyMillis()).isBetween(400L, 5_000L);
        });
    }

    @Test
    void shouldReportAResetConnectionAsNoAnswer() {
        endpoint.stubFor(post(urlEqualTo("/reset")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        OutboundResult result = send(client(LOOPBACK_ALLOWED), "http://127.0.0.1:" + endpoint.port() + "/reset");

        assertThat(result).isInstanceOf(OutboundResult.Failed.class);
    }

    @Test
    void shouldReportARefusedConnectionAsAConnectException() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        OutboundResult result = send(client(LOOPBACK_ALLOWED), "http://127.0.0.1:" + closed + "/hook");

        assertThat(result).isInstanceOfSatisfying(OutboundResult.Failed.class,
                failed -> assertThat(failed.errorClass()).isEqualTo("ConnectException"));
    }

    /** Many requests in flight on few threads: a stalled endpoint holds its own connections, not the client. */
    @Test
    void shouldAnswerAQuickEndpointWhileASlowOneHoldsEightRequests() {
        slowEndpoint.stubFor(post(anyUrl()).willReturn(ok().withFixedDelay(5_000)));
        OutboundHttp client = client(LOOPBACK_ALLOWED, Duration.ofSeconds(10), 8);
        List<CompletableFuture<OutboundResult>> stalled = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            stalled.add(client.post(URI.create("http://127.0.0.1:" + slowEndpoint.port() + "/hook"), EVENT, Map.of()));
        }
        await().atMost(PATIENCE).until(() -> slowEndpoint.getAllServeEvents().size() == 8);

        OutboundResult quick = send(client, url("127.0.0.1"));

        assertThat(quick).isInstanceOf(OutboundResult.Answered.class);
        assertThat(stalled).as("answered while all eight stalled requests were still open").noneMatch(CompletableFuture::isDone);
    }

    /** The guard's resolver is the one the client connects with: a name only it knows reaches the server. */
    @Test
    void shouldConnectToTheAddressTheGuardResolvedAndAllowed() {
        OutboundGuard guard = new OutboundGuard(List.of("127.0.0.0/8"), ScriptedResolver.resolving("hooks.test", "127.0.0.1"));

        OutboundResult result = send(client(guard), url("hooks.test"));

        assertThat(result).isInstanceOfSatisfying(OutboundResult.Answered.class, answered -> assertThat(answered.status()).isEqualTo(200));
        endpoint.verify(1, postRequestedFor(urlEqualTo("/hook")));
    }

    /** Loopback literals, their IPv4-mapped IPv6 forms, the unspecified address and a name for loopback: none is connected to. */
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::1]", "[::]", "localhost"})
    void shouldRefuseAtConnectTimeAnEndpointOnLoopback(String host) {
        OutboundResult result = send(client(NOTHING_ALLOWED), url(host));

        assertThat(result).isInstanceOfSatisfying(OutboundResult.Refused.class,
                refused -> assertThat(refused.reason()).contains("internal address"));
        endpoint.verify(0, anyRequestedFor(anyUrl()));
    }

    /** DNS rebinding: the name is public when checked, loopback a moment later when the client connects. */
    @Test
    void shouldRefuseAnEndpointWhoseNameRebindsToLoopbackAfterItWasChecked() {
        ScriptedResolver dns = ScriptedResolver.rebinding("rebind.test", "93.184.216.34", "127.0.0.1");
        OutboundGuard guard = new OutboundGuard(List.of(), dns);
        assertThat(guard.refusal(URI.create(url("rebind.test")))).as("the check ahead of the request passes").isEmpty();

        OutboundResult result = send(client(guard), url("rebind.test"));

        assertThat(result).isInstanceOfSatisfying(OutboundResult.Refused.class,
                refused -> assertThat(refused.reason()).contains("127.0.0.1"));
        assertThat(dns.lookups()).as("looked up again when connecting").isEqualTo(2);
        endpoint.verify(0, anyRequestedFor(anyUrl()));
    }

    /** Every internal class behind a name, at connect time (no server could listen on most of them here). */
    @ParameterizedTest
    @ValueSource(strings = {"10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "224.0.0.1",
            "0.0.0.0", "::", "::1", "fe80::1", "fd00:ec2::254", "ff02::1", "::ffff:10.0.0.1", "::ffff:169.254.169.254"})
    void shouldRefuseAtConnectTimeANameThatResolvesToAnInternalAddress(String address) {
        OutboundGuard guard = new OutboundGuard(List.of(), ScriptedResolver.resolving("victim.test", address));

        OutboundResult result = send(client(guard), "http://victim.test:" + endpoint.port() + "/hook");

        assertThat(result).isInstanceOf(OutboundResult.Refused.class);
    }
}
