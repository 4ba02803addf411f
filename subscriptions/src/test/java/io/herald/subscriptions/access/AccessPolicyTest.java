package io.herald.subscriptions.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.herald.store.EventKey;
import io.herald.store.EventPosition;
import io.herald.store.StoredEvent;

class AccessPolicyTest {

    private static final String APP = "urn:altinn:resource:app_skd_skattemelding";

    /** A decision point that answers what it is told and counts what it was asked. */
    private final AtomicReference<Decision> answer = new AtomicReference<>(Decision.PERMIT);
    private final List<AccessRequest> asked = new ArrayList<>();
    private final AtomicLong nanos = new AtomicLong();
    private final AccessPolicy policy = new AccessPolicy(requests -> {
        asked.addAll(requests);
        return requests.stream().map(r -> answer.get()).toList();
    }, Duration.ofSeconds(60), 1000, nanos::get);

    private static StoredEvent event(String resource, String subject, String alternativeSubject) {
        return new StoredEvent(new EventPosition(1, 1), Instant.EPOCH, new EventKey("https://x.example", "1"), "t", resource,
                subject, alternativeSubject, null, null, "{}");
    }

    private static Caller agency(String org) {
        return new Caller(org, null, null, null, Set.of());
    }

    private static Caller organisation(String number) {
        return new Caller(null, null, number, null, Set.of());
    }

    @Test
    void shouldLetTheAppsAgencyAndTheHolderOfItsAppScopeReadEverythingWithoutAsking() {
        StoredEvent event = event(APP, "/party/1", "/person/01017012345");
        answer.set(Decision.DENY);

        assertThat(policy.mayRead(agency("skd"), List.of(event))).containsExactly(true);
        assertThat(policy.mayRead(organisation("910011154").withAppGrants(Set.of("skd/skattemelding")), List.of(event)))
                .containsExactly(true);
        assertThat(policy.mayRead(agency("ttd"), List.of(event))).containsExactly(false);
        assertThat(policy.mayRead(organisation("910011154").withAppGrants(Set.of("skd/other")), List.of(event)))
                .containsExactly(false);
        assertThat(asked).extracting(r -> r.caller().principal()).containsExactly("/org/ttd", "/organisation/910011154");
    }

    @Test
    void shouldLetTheConfiguredOwnerOfAResourceThatIsNoAppsReadAllOfItWithoutAsking() {
        AccessPolicy owned = new AccessPolicy(requests -> {
            asked.addAll(requests);
            return requests.stream().map(r -> answer.get()).toList();
        }, organisations -> Map.of(), Duration.ofSeconds(60), 1000, nanos::get,
                Map.of("ttd", List.of("urn:altinn:resource:ttd-")));
        answer.set(Decision.DENY);
        StoredEvent event = event("urn:altinn:resource:ttd-altinn-events-automated-tests", null, null);

        assertThat(owned.readsWholeResource(agency("ttd"), "urn:altinn:resource:ttd-altinn-events-automated-tests")).isTrue();
        assertThat(owned.mayRead(agency("ttd"), List.of(event))).containsExactly(true);
        assertThat(owned.readsWholeResource(agency("skd"), "urn:altinn:resource:ttd-altinn-events-automated-tests")).isFalse();
        assertThat(owned.mayRead(agency("skd"), List.of(event))).containsExactly(false);
        assertThat(policy.readsWholeResource(agency("ttd"), "urn:altinn:resource:ttd-altinn-events-automated-tests"))
                .as("no owner unless configured").isFalse();
    }

    @Test
    void shouldRefuseToConfigureAnOwnerOfAnAppsOrHeraldsResources() {
        for (String prefix : List.of("urn:altinn:resource:app_ttd_", "urn:herald:", "https://x.example")) {
            assertThatThrownBy(() -> new AuthorizationProperties(AuthorizationProperties.Kind.BUILT_IN, Duration.ofSeconds(30), 10,
                    new AuthorizationProperties.Xacml(null, Duration.ofSeconds(2), 200), Map.of("ttd", List.of(prefix))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(prefix);
        }
    }

    @Test
    void shouldLetAPartyReadItsOwnEventsOnly() {
        Caller person = new Caller(null, "01017012345", null, "50001", Set.of());
        answer.set(Decision.NOT_APPLICABLE);

        assertThat(policy.mayRead(person, List.of(
                event(APP, "/party/50001", null),
                event(APP, "/party/7", "/person/01017012345"),
                event(APP, "/party/8", "/person/02029012345"),
                event(APP, null, null)))).containsExactly(true, true, false, false);
    }

    @Test
    void shouldLetAnOrganisationReadItsOwnEventsWrittenEitherWayWithoutAsking() {
        answer.set(Decision.DENY);
        Caller organisation = organisation("910011154");

        assertThat(policy.mayRead(organisation, List.of(
                event(APP, null, "/org/910011154"),
                event(APP, null, "/organisation/910011154"),
                event(APP, null, "/organisation/910011155")))).containsExactly(true, true, false);
        assertThat(policy.mayRead(organisation, null, "/organisation/910011154", APP)).isTrue();
        assertThat(asked).extracting(AccessRequest::alternativeSubject).as("asked in one form").containsExactly("/org/910011155");
    }

    @Test
    void shouldAskOncePerDistinctRequestAndKeepTheAnswerForItsLifetimeOnly() {
        Caller professional = organisation("910011154");
        StoredEvent about = event(APP, "/party/1", "/person/01017012345");

        assertThat(policy.mayRead(professional, List.of(about, about, about))).containsExactly(true, true, true);
        assertThat(asked).hasSize(1);

        // the delegation is revoked: within the lifetime the kept answer stands, after it the new one
        answer.set(Decision.NOT_APPLICABLE);
        nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(policy.mayRead(professional, List.of(about))).containsExactly(true);
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(policy.mayRead(professional, List.of(about))).containsExactly(false);
        assertThat(asked).hasSize(2);
    }

    @Test
    void shouldDenyAndNotKeepItWhenTheDecisionPointFailsOrAnswersWrongly() {
        Caller professional = organisation("910011154");
        StoredEvent about = event(APP, "/party/1", null);
        AccessPolicy failing = new AccessPolicy(requests -> {
            throw new IllegalStateException("down");
        }, Duration.ofSeconds(60), 1000, nanos::get);
        AccessPolicy miscounting = new AccessPolicy(requests -> List.of(), Duration.ofSeconds(60), 1000, nanos::get);

        assertThat(failing.mayRead(professional, List.of(about))).containsExactly(false);
        assertThat(miscounting.mayRead(professional, List.of(about))).containsExactly(false);

        answer.set(Decision.INDETERMINATE);
        assertThat(policy.mayRead(professional, List.of(about))).containsExactly(false);
        answer.set(Decision.PERMIT);
        assertThat(policy.mayRead(professional, List.of(about))).as("an indeterminate answer is not kept").containsExactly(true);
    }

    @Test
    void shouldLetAnOrganisationReadItsSubunitsEventsAsTheRegistrySays() {
        answer.set(Decision.NOT_APPLICABLE);
        AccessPolicy withRegistry = new AccessPolicy(requests -> requests.stream().map(r -> answer.get()).toList(),
                organisations -> organisations.contains("910022222") ? java.util.Map.of("910022222", Set.of("910011154"))
                        : java.util.Map.of(),
                Duration.ofSeconds(60), 1000, nanos::get);

        assertThat(withRegistry.mayRead(organisation("910011154"), List.of(
                event(APP, null, "/org/910022222"),
                event(APP, null, "/org/910033333")))).containsExactly(true, false);
        assertThat(withRegistry.mayRead(organisation("910099999"), List.of(event(APP, null, "/org/910022222"))))
                .as("only the parent").containsExactly(false);
    }

    @Test
    void shouldForgetEveryDecisionWhenToldRightsChanged() {
        Caller professional = organisation("910011154");
        StoredEvent about = event(APP, "/party/1", null);
        assertThat(policy.mayRead(professional, List.of(about))).containsExactly(true);

        answer.set(Decision.DENY);
        policy.forgetDecisions();

        assertThat(policy.mayRead(professional, List.of(about))).containsExactly(false);
    }
}
