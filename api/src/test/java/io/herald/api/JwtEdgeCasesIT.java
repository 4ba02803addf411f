package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

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

/** Issue 6: a token Herald must not trust is a 401, whatever it claims; a trusted one without the scope is a 403. */
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

    private void assertUnauthorized(String what, String token) {
        Response response = get(FEED, token);
        assertThat(response.status()).as(what + ": " + response.body()).isEqualTo(401);
        assertThat(response.json().get("code").asString()).isEqualTo("unauthorized");
    }

    @Test
    void shouldAcceptAWellFormedTokenAsTheBaseline() {
        assertThat(get(FEED, signed(localSigningKey, claims(c -> { }))).status()).isEqualTo(200);
    }

    @Test
    void shouldAnswer401ToExpiredNotYetValidWrongIssuerAndWrongAudienceTokens() {
        Instant now = Instant.now();
        assertUnauthorized("expired", signed(localSigningKey, claims(c -> c
                .issueTime(Date.from(now.minus(Duration.ofHours(2))))
                .notBeforeTime(Date.from(now.minus(Duration.ofHours(2))))
                .expirationTime(Date.from(now.minus(Duration.ofHours(1)))))));
        assertUnauthorized("not yet valid", signed(localSigningKey, claims(c -> c
                .notBeforeTime(Date.from(now.plus(Duration.ofHours(1)))))));
        assertUnauthorized("wrong issuer", signed(localSigningKey, claims(c -> c.issuer("https://evil.example"))));
        assertUnauthorized("wrong audience", signed(localSigningKey, claims(c -> c.audience("someone-else"))));
        assertUnauthorized("no audience", signed(localSigningKey, claims(c -> c.audience(List.of()))));
    }

    @Test
    void shouldAnswer401ToUnsignedForeignAndTamperedTokens() throws JOSEException {
        assertUnauthorized("alg none", new PlainJWT(claims(c -> { })).serialize());
        assertUnauthorized("signed by another key", signed(new RSAKeyGenerator(2048).keyID(localSigningKey.getKeyID()).generate(),
                claims(c -> { })));

        String[] parts = signed(localSigningKey, claims(c -> { })).split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("\"ttd\"", "\"skd\"");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        assertUnauthorized("tampered payload", tampered);
    }

    @Test
    void shouldAnswer403ToATrustedTokenWithoutTheScope() {
        Response response = get(FEED, signed(localSigningKey, claims(c -> c.claim("scope", PUBLISH))));

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.json().get("code").asString()).isEqualTo("forbidden");
        assertThat(response.header("WWW-Authenticate")).contains("insufficient_scope");
    }
}
