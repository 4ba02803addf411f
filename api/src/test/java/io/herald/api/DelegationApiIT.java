package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

/** The built-in decision point's administration API: admin scope only, checked input, problem details. */
class DelegationApiIT extends ApiTestSupport {

    private static final String DELEGATIONS = "/events/api/v1/authorization/delegations";

    private static String person() {
        return "/person/" + ThreadLocalRandom.current().nextLong(10_000_000_000L, 99_999_999_999L);
    }

    private Response delete(String path, String token) {
        return send(HttpRequest.newBuilder(url(path)).header("Authorization", "Bearer " + token).DELETE());
    }

    @Test
    void shouldGrantListReadAndRevokeADelegation() {
        String admin = token("altinn:events.admin");
        String party = person();
        String body = "{\"party\":\"" + party + "\",\"grantee\":\"/organisation/910011154\"}";

        Response granted = post(DELEGATIONS, "application/json", body, admin);
        assertThat(granted.status()).as(granted.body()).isEqualTo(201);
        long id = granted.json().get("id").asLong();
        assertThat(granted.header("Location")).endsWith(DELEGATIONS + "/" + id);
        assertThat(granted.json().get("resource").isNull()).as("all the party's resources").isTrue();
        assertThat(post(DELEGATIONS, "application/json", body, admin).json().get("id").asLong())
                .as("granting it again answers the same delegation").isEqualTo(id);

        assertThat(get(DELEGATIONS + "?party=" + encode(party), admin).json().size()).isEqualTo(1);
        assertThat(get(DELEGATIONS + "/" + id, admin).json().get("grantee").asString()).isEqualTo("/organisation/910011154");

        assertThat(delete(DELEGATIONS + "/" + id, admin).status()).isEqualTo(204);
        assertThat(get(DELEGATIONS + "/" + id, admin).status()).isEqualTo(404);
        assertThat(delete(DELEGATIONS + "/" + id, admin).status()).isEqualTo(404);
        assertThat(get(DELEGATIONS + "?party=" + encode(party), admin).json().size()).isZero();
    }

    @Test
    void shouldRefuseCallersWithoutTheAdminScope() {
        String subscriber = agencyToken(TEST_AGENCY);
        String body = "{\"party\":\"" + person() + "\",\"grantee\":\"/org/" + TEST_AGENCY + "\"}";

        Response refused = post(DELEGATIONS, "application/json", body, subscriber);

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asString()).isEqualTo("forbidden");
        assertThat(get(DELEGATIONS + "?grantee=" + encode("/org/" + TEST_AGENCY), subscriber).status()).isEqualTo(403);
        assertThat(post(DELEGATIONS, "application/json", body, null).status()).isEqualTo(401);
    }

    @Test
    void shouldNameTheFieldOfABadDelegation() {
        String admin = token("altinn:events.admin");

        for (String[] bad : new String[][] {
                {"{\"party\":\"50001\",\"grantee\":\"/org/ttd\"}", "party"},
                {"{\"party\":\"/person/01017012345\",\"grantee\":\"everyone\"}", "grantee"},
                {"{\"party\":\"/person/01017012345\",\"grantee\":\"/org/ttd\",\"resource\":\"not a uri\"}", "resource"},
                {"{\"grantee\":\"/org/ttd\"}", "party"}}) {
            Response response = post(DELEGATIONS, "application/json", bad[0], admin);
            assertThat(response.status()).as(bad[0]).isEqualTo(400);
            assertThat(response.json().get("code").asString()).isEqualTo("invalid-delegation");
            assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo(bad[1]);
        }
        assertThat(get(DELEGATIONS, admin).json().get("code").asString()).isEqualTo("invalid-delegation");
        assertThat(get(DELEGATIONS + "/abc", admin).json().get("code").asString()).isEqualTo("invalid-parameter");
        assertThat(post(DELEGATIONS, "application/json", "{oops", admin).json().get("code").asString()).isEqualTo("malformed-body");
    }
}
