package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

/**
 * A token Herald must not trust is a 401, whatever it claims (one that never expires included); a
 * trusted one without the scope is a 403, and so is one without a subject on the subscription endpoints.
 */
class JwtEdgeCasesIT extends ApiTestSupport {

    private static final String FEED = "/events/api/v1/app/ttd/edge?after=0";

    @Autowired
    private RSAKey localSigningKey;

    private JWTClaimsSet claims(Consumer<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer("herald-local")
                .audience("herald")
                .subject("ttd")
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10))))
                .claim("scope", SUBSCRIBE)
                .claim("org", "ttd");
        change.accept(claims);
        return claims.build();
    }

    private String signed(RSAKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One table: the well-formed token is the control (200); every token Herald must not trust is a
     * 401 whatever it claims; a trusted token without the scope is a 403.
     */
    @Test
    void shouldAnswer401ToEveryTokenItMustNotTrustAnd403ToOneWithoutTheScope() throws JOSEException {
        Instant now = Instant.now();
        String[] parts = signed(localSigningKey, claims(c -> { })).split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("\"ttd\"", "\"skd\"");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        Map<String, String> untrusted = new LinkedHashMap<>();
        untrusted.put("expired", signed(localSigningKey, claims(c -> c
                .issueTime(Date.from(now.minus(Duration.ofHours(2))))
                .notBeforeTime(Date.from(now.minus(Duration.ofHours(2))))
                .expirationTime(Date.from(now.minus(Duration.ofHours(1)))))));
        untrusted.put("no expiry (exp)", signed(localSigningKey, claims(c -> c.expirationTime(null))));
        untrusted.put("not yet valid", signed(localSigningKey, claims(c -> c.notBeforeTime(Date.from(now.plus(Duration.ofHours(1)))))));
        untrusted.put("wrong issuer", signed(localSigningKey, claims(c -> c.issuer("https://evil.example"))));
        untrusted.put("wrong audience", signed(localSigningKey, claims(c -> c.audience("someone-else"))));
        untrusted.put("no audience", signed(localSigningKey, claims(c -> c.audience(List.of()))));
        untrusted.put("alg none", new PlainJWT(claims(c -> { })).serialize());
        untrusted.put("signed by another key", signed(new RSAKeyGenerator(2048).keyID(localSigningKey.getKeyID()).generate(),
                claims(c -> { })));
        untrusted.put("tampered payload", tampered);

        assertThat(get(FEED, signed(localSigningKey, claims(c -> { }))).status()).as("the control").isEqualTo(200);
        SoftAssertions softly = new SoftAssertions();
        untrusted.forEach((what, token) -> {
            Response response = get(FEED, token);
            softly.assertThat(response.status()).as(what + ": " + response.body()).isEqualTo(401);
            if (response.status() == 401) {
                softly.assertThat(response.json().get("code").asString()).as(what).isEqualTo("unauthorized");
            }
        });
        softly.assertAll();

        Response withoutScope = get(FEED, signed(localSigningKey, claims(c -> c.claim("scope", PUBLISH))));
        assertThat(withoutScope.status()).isEqualTo(403);
        assertThat(withoutScope.json().get("code").asString()).isEqualTo("forbidden");
        assertThat(withoutScope.header("WWW-Authenticate")).contains("insufficient_scope");
    }

    @Test
    void shouldRefuseATokenWithoutASubjectOnTheSubscriptionEndpointsEvenForAnAgency() {
        String withoutSubject = signed(localSigningKey, claims(c -> c.subject(null)));
        String subscription = JSON.createObjectNode()
                .put("endPoint", "https://hooks.example/herald")
                .put("resourceFilter", "urn:altinn:resource:app_ttd_edge")
                .toString();

        Response list = get("/events/api/v1/subscriptions", withoutSubject);
        Response create = post("/events/api/v1/subscriptions", "application/json", subscription, withoutSubject);

        assertThat(get(FEED, withoutSubject).status()).as("the token is trusted: it reads the agency's feed").isEqualTo(200);
        assertThat(list.status()).as(list.body()).isEqualTo(403);
        assertThat(list.json().get("code").asString()).isEqualTo("forbidden");
        assertThat(create.status()).as(create.body()).isEqualTo(403);
        assertThat(get("/events/api/v1/subscriptions/1", withoutSubject).status()).isEqualTo(403);
        // by default only sub names the caller: another claim that could (herald.security.claims.identity) does not
        Response otherClaim = get("/events/api/v1/subscriptions", signed(localSigningKey,
                claims(c -> c.subject(null).claim("client_id", "ttd-integration"))));
        assertThat(otherClaim.status()).as(otherClaim.body()).isEqualTo(403);
        assertThat(otherClaim.json().get("detail").asString()).contains("(sub)");
    }
}
