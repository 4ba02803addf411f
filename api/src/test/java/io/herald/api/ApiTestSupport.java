package io.herald.api;

import java.util.concurrent.atomic.AtomicReference;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

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

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        // once per JVM: a second application context (another test configuration) must not drop it under the first
        DATABASE.updateAndGet(current -> current != null ? current : TestDatabases.recreate("herald_api_it"));
        registry.add("spring.datasource.url", DATABASE::get);
        registry.add("spring.datasource.username", () -> TestDatabases.USER);
    }
}
