package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * An operator whose tokens name the caller in another claim than {@code sub}
 * ({@code herald.security.claims.identity}): that claim says who created a subscription and who owns
 * a subject-only caller's subscriptions, and a token without it is refused on the subscription
 * endpoints exactly as a token without {@code sub} is by default, whatever {@code sub} says.
 */
@TestPropertySource(properties = {
        "herald.security.claims.identity=client_id",
        "spring.quartz.scheduler-name=herald-identity-claim-it"})
class IdentityClaimIT extends ApiTestSupport {

    private static final String SUBSCRIPTIONS = "/events/api/v1/subscriptions";

    @Autowired
    private RSAKey localSigningKey;

    private String token(Consumer<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer("herald-local")
                .audience("herald")
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10))))
                .claim("scope", SUBSCRIBE)
                .claim("org", "ttd");
        change.accept(claims);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(localSigningKey.getKeyID()).build(),
                    claims.build());
            jwt.sign(new RSASSASigner(localSigningKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A subscription of its own for each test: an identical one would be answered with the first. */
    private static String subscription(String app) {
        return JSON.createObjectNode()
                .put("endPoint", "http://127.0.0.1:1/herald-hook")
                .put("resourceFilter", "urn:altinn:resource:app_ttd_" + app)
                .toString();
    }

    @Test
    void shouldRecordTheConfiguredClaimAsWhoCreatedASubscription() {
        String withClaimOnly = token(c -> c.claim("client_id", "ttd-integration"));

        Response created = post(SUBSCRIPTIONS, "application/json", subscription("identity-claim"), withClaimOnly);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("createdBy").asString()).isEqualTo("ttd-integration");
        assertThat(created.json().get("consumer").asString()).isEqualTo("/org/ttd");
        long id = created.json().get("id").asLong();
        assertThat(get(SUBSCRIPTIONS + "/" + id, withClaimOnly).status()).isEqualTo(200);
    }

    @Test
    void shouldRefuseATokenWithoutTheConfiguredClaimThoughItHasASubject() {
        String subjectOnly = token(c -> c.subject("ttd"));

        Response list = get(SUBSCRIPTIONS, subjectOnly);
        Response create = post(SUBSCRIPTIONS, "application/json", subscription("identity-subject"), subjectOnly);

        assertThat(get("/events/api/v1/app/ttd/identity?after=0", subjectOnly).status())
                .as("the token is trusted: it reads the agency's feed").isEqualTo(200);
        assertThat(list.status()).as(list.body()).isEqualTo(403);
        assertThat(list.json().get("code").asString()).isEqualTo("forbidden");
        assertThat(list.json().get("detail").asString()).contains("client_id");
        assertThat(create.status()).as(create.body()).isEqualTo(403);
        assertThat(get(SUBSCRIPTIONS + "/1", subjectOnly).status()).isEqualTo(403);
    }

    @Test
    void shouldPutTheConfiguredClaimIntoLocalTokens() {
        String local = agencyToken("ttd");

        Response created = post(SUBSCRIPTIONS, "application/json", subscription("identity-local"), local);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("createdBy").asString()).isEqualTo("ttd");
    }
}
