package io.herald.subscriptions.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.herald.store.FieldError;
import io.herald.subscriptions.InvalidSubscriptionException;
import io.herald.subscriptions.NewSubscription;
import io.herald.subscriptions.SubscriptionFilter;
import io.herald.subscriptions.SubscriptionsProperties;

class SubscriptionValidationTest {

    private static final String ENDPOINT = "https://hooks.example/herald?token=abc";
    private static final String RESOURCE = "urn:altinn:resource:app_ttd_apply";

    private final SubscriptionValidator httpsOnly = new SubscriptionValidator(properties(Map.of()));
    private final SubscriptionValidator httpAllowed = new SubscriptionValidator(properties(Map.of("allow-http", "true")));

    static SubscriptionsProperties properties(Map<String, String> settings) {
        var source = new java.util.HashMap<String, String>();
        settings.forEach((name, value) -> source.put("herald.subscriptions." + name, value));
        return new Binder(new MapConfigurationPropertySource(source)).bindOrCreate("herald.subscriptions", SubscriptionsProperties.class);
    }

    private static NewSubscription request(String endPoint, String resource) {
        return new NewSubscription(endPoint, resource, null, null, null, null, false, false);
    }

    private static List<FieldError> errors(SubscriptionValidator validator, NewSubscription request) {
        try {
            validator.check(request);
        } catch (InvalidSubscriptionException e) {
            return e.errors();
        }
        throw new AssertionError("expected " + request + " to be refused");
    }

    private static List<String> fields(SubscriptionValidator validator, NewSubscription request) {
        return errors(validator, request).stream().map(FieldError::field).toList();
    }

    @Test
    void shouldAcceptAnHttpsEndpointWithEveryFilter() {
        var checked = httpsOnly.check(new NewSubscription(ENDPOINT, RESOURCE, "https://ttd.apps.example/ttd/apply",
                "/party/50001", "/org/910011154", "app.instance.process.*", true, false));

        assertThat(checked.endpoint()).hasToString(ENDPOINT);
        assertThat(checked.filter()).isEqualTo(new SubscriptionFilter(RESOURCE, "https://ttd.apps.example/ttd/apply",
                "/party/50001", "/org/910011154", "app.instance.process.*", true));
    }

    /** Events published in the Event Grid shape have relative sources (/{org}/{app}/instances/…): a filter must reach them. */
    @Test
    void shouldAcceptARelativeSourceFilter() {
        var checked = httpsOnly.check(new NewSubscription(ENDPOINT, RESOURCE, "/ttd/apply/instances/", null, null, null, false, false));

        assertThat(checked.filter().sourcePrefix()).isEqualTo("/ttd/apply/instances/");
    }

    @Test
    void shouldAcceptOnlyTheResourceFilterAsFilter() {
        var checked = httpsOnly.check(request(ENDPOINT, RESOURCE));

        assertThat(checked.filter()).isEqualTo(new SubscriptionFilter(RESOURCE, null, null, null, null, false));
    }

    @Test
    void shouldRequireTheEndpointAndTheResourceFilter() {
        assertThat(errors(httpsOnly, request(null, null))).containsExactly(
                new FieldError("endPoint", "is required"), new FieldError("resourceFilter",
                        "is required unless sourceFilter is an app's URL (https://{org}.apps.{domain}/{org}/{app}) to derive it from"));
        assertThat(fields(httpsOnly, request(" ", ""))).containsExactly("endPoint", "resourceFilter");
    }

    @Test
    void shouldRefuseAPlainHttpEndpointUnlessAllowed() {
        NewSubscription http = request("http://127.0.0.1:8080/hook", RESOURCE);

        assertThat(errors(httpsOnly, http)).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("endPoint");
            assertThat(error.message()).contains("https", "local development");
        });
        assertThat(httpAllowed.check(http).endpoint()).hasToString("http://127.0.0.1:8080/hook");
    }

    @Test
    void shouldRefuseOtherSchemesEvenWhereHttpIsAllowed() {
        for (String endpoint : List.of("ftp://hooks.example/herald", "mailto:ops@hooks.example", "file:///etc/passwd",
                "javascript:alert(1)", "ws://hooks.example/herald")) {
            assertThat(fields(httpAllowed, request(endpoint, RESOURCE))).as(endpoint).containsExactly("endPoint");
        }
    }

    @Test
    void shouldRefuseRelativeMalformedAndHostlessEndpoints() {
        for (String endpoint : List.of("/hook", "hooks.example/herald", "https://hooks example/", "https:///herald",
                "https:hooks.example", "https://hooks.example:99999/", "https://hooks.example/a\u0001b")) {
            assertThat(fields(httpsOnly, request(endpoint, RESOURCE))).as(endpoint).containsExactly("endPoint");
        }
    }

    @Test
    void shouldRefuseUserInfoAndFragmentsInTheEndpoint() {
        assertThat(errors(httpsOnly, request("https://user:password@hooks.example/herald", RESOURCE)))
                .singleElement().extracting(FieldError::message).asString().contains("user name or password");
        assertThat(errors(httpsOnly, request("https://hooks.example/herald#part", RESOURCE)))
                .singleElement().extracting(FieldError::message).asString().contains("fragment");
    }

    @Test
    void shouldRefuseAnEndpointLongerThanTheLimit() {
        var validator = new SubscriptionValidator(properties(Map.of("max-endpoint-length", "40")));
        String exactly40 = "https://hooks.example/" + "a".repeat(18);

        assertThat(validator.check(request(exactly40, RESOURCE)).endpoint()).hasToString(exactly40);
        assertThat(errors(validator, request(exactly40 + "b", RESOURCE))).containsExactly(
                new FieldError("endPoint", "may be at most 40 characters but was 41"));
    }

    @Test
    void shouldRequireTheResourceFilterToBeAnAbsoluteUri() {
        assertThat(errors(httpsOnly, request(ENDPOINT, "app_ttd_apply"))).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("resourceFilter");
            assertThat(error.message()).contains("absolute URI", "app_ttd_apply");
        });
        assertThat(fields(httpsOnly, request(ENDPOINT, "urn:altinn:resource:app ttd"))).containsExactly("resourceFilter");
    }

    @Test
    void shouldRequireTheSourceFilterToBeAUriPrefix() {
        assertThat(fields(httpsOnly, new NewSubscription(ENDPOINT, RESOURCE, "ttd apply", null, null, null, false, false)))
                .containsExactly("sourceFilter");
        assertThat(httpsOnly.check(new NewSubscription(ENDPOINT, RESOURCE, "https://ttd.apps.example/ttd/apply", null, null,
                null, false, false)).filter().sourcePrefix()).isEqualTo("https://ttd.apps.example/ttd/apply");
    }

    @Test
    void shouldDeriveTheResourceFilterFromAnAppsUrlAsThePlatformDoes() {
        for (String source : List.of("https://ttd.apps.tt02.altinn.no/ttd/apply", "https://ttd.apps.example/ttd/apply/")) {
            assertThat(httpsOnly.check(new NewSubscription(ENDPOINT, null, source, null, null, null, false, false))
                    .filter().resource()).as(source).isEqualTo("urn:altinn:resource:app_ttd_apply");
        }
        for (String source : List.of("https://ttd.apps.example/ttd/apply/instances", "https://skd.apps.example/ttd/apply",
                "https://hooks.example/ttd/apply", "/ttd/apply")) {
            assertThat(fields(httpsOnly, new NewSubscription(ENDPOINT, null, source, null, null, null, false, false)))
                    .as(source).containsExactly("resourceFilter");
        }
        assertThat(fields(httpsOnly, new NewSubscription(ENDPOINT, "urn:altinn:resource:app_ttd_other",
                "https://ttd.apps.example/ttd/apply", null, null, null, false, false))).containsExactly("resourceFilter");
    }

    @Test
    void shouldAcceptSubunitsOfAnOrganisationWrittenEitherWay() {
        for (String organisation : List.of("/org/910011154", "/organisation/910011154")) {
            assertThat(httpsOnly.check(new NewSubscription(ENDPOINT, RESOURCE, null, null, organisation, null, true, false))
                    .filter().includeSubunits()).as(organisation).isTrue();
        }
    }

    @Test
    void shouldAllowOneStarInTheTypeFilterOnlyAtTheEnd() {
        assertThat(httpsOnly.check(withType("app.instance.*")).filter().typeIsPrefix()).isTrue();
        assertThat(httpsOnly.check(withType("app.instance.created")).filter().typeIsPrefix()).isFalse();
        for (String type : List.of("app.*.created", "*.created", "app.**", "app*.*")) {
            assertThat(fields(httpsOnly, withType(type))).as(type).containsExactly("typeFilter");
        }
    }

    @Test
    void shouldRefuseBlankFiltersRatherThanTreatThemAsAbsent() {
        assertThat(errors(httpsOnly, new NewSubscription(ENDPOINT, RESOURCE, "", " ", "\t", "", false, false)))
                .extracting(FieldError::field)
                .containsExactly("sourceFilter", "subjectFilter", "alternativeSubjectFilter", "typeFilter");
    }

    @Test
    void shouldRefuseFiltersLongerThanTheLimit() {
        var validator = new SubscriptionValidator(properties(Map.of("max-filter-length", "30")));
        String long31 = "/party/" + "1".repeat(24);

        assertThat(errors(validator, new NewSubscription(ENDPOINT, "urn:x:" + "r".repeat(25), "https://x.example/" + "s".repeat(13),
                long31, long31, "t".repeat(31), false, false)))
                .extracting(FieldError::field)
                .containsExactly("resourceFilter", "sourceFilter", "subjectFilter", "alternativeSubjectFilter", "typeFilter");
        assertThat(validator.check(new NewSubscription(ENDPOINT, "urn:x:" + "r".repeat(24), null, null, null, null, false, false)))
                .isNotNull();
    }

    @Test
    void shouldRefuseTheNulCharacterAndBrokenUnicodeInFilters() {
        assertThat(errors(httpsOnly, new NewSubscription(ENDPOINT, RESOURCE, null, "/party/1\u0000", "/org/\uD800", null, false, false)))
                .containsExactly(
                        new FieldError("subjectFilter", "must not contain the NUL character (U+0000)"),
                        new FieldError("alternativeSubjectFilter", "is not valid Unicode: it has an unpaired surrogate"));
    }

    @Test
    void shouldAllowSubunitsOnlyForAnOrganisationNumber() {
        assertThat(httpsOnly.check(withSubunits("/org/910011154")).filter().includeSubunits()).isTrue();
        for (String alternativeSubject : new String[] {null, "/person/12247918309", "/org/91001115", "/org/9100111545", "/org/ttd"}) {
            assertThat(fields(httpsOnly, withSubunits(alternativeSubject))).as(alternativeSubject).containsExactly("includeSubunits");
        }
    }

    @Test
    void shouldReportEveryBadFieldAtOnce() {
        var request = new NewSubscription("ftp://hooks.example/", "not a uri", "not a source", "", null, "a*b", true, false);

        assertThat(fields(httpAllowed, request)).containsExactly(
                "endPoint", "resourceFilter", "sourceFilter", "subjectFilter", "typeFilter", "includeSubunits");
    }

    private static NewSubscription withType(String type) {
        return new NewSubscription(ENDPOINT, RESOURCE, null, null, null, type, false, false);
    }

    private static NewSubscription withSubunits(String alternativeSubject) {
        return new NewSubscription(ENDPOINT, RESOURCE, null, null, alternativeSubject, null, true, false);
    }
}
