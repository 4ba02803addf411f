package io.herald.api;

import java.util.concurrent.atomic.AtomicReference;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.herald.store.TestDatabases;

/**
 * Runs Herald on a random loopback port against its own database on the real PostgreSQL, in
 * the {@code local} profile so that tests get real tokens from {@code POST /local/token}.
 */
@SpringBootTest(classes = HeraldApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "herald.local-database.enabled=false",
                // quick handshake retries and matching, so tests wait milliseconds, not the production schedule
                "herald.subscriptions.validation.retry-delays=500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms",
                "herald.subscriptions.validation.sweep-interval=100ms",
                "herald.subscriptions.matcher.poll-interval=50ms",
                "herald.dispatcher.replay-max-events=3",
                "herald.dispatcher.health.check-interval=1s",
                // the portal's page asks for news often, so its browser tests see changes within a second
                "herald.portal.poll-interval=300ms",
                // the platform's test data publishes these non-app resources as a platform component
                // (subject local-user: a token asked for with no identity)
                "herald.publish-rights.grants[local-user]=urn:altinn:resource:systemx,urn:altinn:resource:ttd-altinn-events-automated-tests",
                // the platform's test resource that is no app's, owned by the test agency as its resource registry says
                "herald.authorization.resource-owners.ttd=urn:altinn:resource:ttd-altinn-events-automated-tests"})
@ActiveProfiles("local")
public abstract class ApiTestSupport extends ApiClient {

    private static final AtomicReference<String> DATABASE = new AtomicReference<>();
    /** WireMock as the SMS gateway (Twilio's Messages API), one per JVM like the database. */
    private static final AtomicReference<WireMockServer> SMS_GATEWAY = new AtomicReference<>();
    protected static final String SMS_ACCOUNT = "ACapitest";
    protected static final String SMS_AUTH_TOKEN = "api-test-twilio-auth-token";
    protected static final String SMS_MESSAGES = "/2010-04-01/Accounts/" + SMS_ACCOUNT + "/Messages.json";

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        // once per JVM: a second application context (another test configuration) must not drop it under the first
        DATABASE.updateAndGet(current -> current != null ? current : TestDatabases.recreate("herald_api_it"));
        registry.add("spring.datasource.url", DATABASE::get);
        registry.add("spring.datasource.username", () -> TestDatabases.USER);
        registry.add("herald.sms.gateway", () -> "twilio");
        registry.add("herald.sms.twilio.base-url", () -> "http://127.0.0.1:" + smsGateway().port());
        registry.add("herald.sms.twilio.account-sid", () -> SMS_ACCOUNT);
        registry.add("herald.sms.twilio.auth-token", () -> SMS_AUTH_TOKEN);
        registry.add("herald.sms.twilio.from", () -> "+15005550006");
        registry.add("herald.sms.link", () -> "https://herald.test/e/{id}");
        // short, so a test sees a code refused as too soon and then accepted
        registry.add("herald.sms.verification.resend-interval", () -> "2s");
    }

    /** The SMS gateway every SMS subscription's texts go to, answering 201 like Twilio unless a test stubs otherwise. */
    protected static WireMockServer smsGateway() {
        return SMS_GATEWAY.updateAndGet(current -> {
            if (current != null) {
                return current;
            }
            WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
            server.start();
            server.stubFor(WireMock.post(WireMock.urlEqualTo(SMS_MESSAGES)).willReturn(WireMock.aResponse().withStatus(201)
                    .withHeader("Content-Type", "application/json").withBody("{\"sid\":\"SMapitest\",\"status\":\"queued\"}")));
            return server;
        });
    }
}
