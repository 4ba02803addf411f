package io.herald.api.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.context.annotation.Profile;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.herald.api.problem.BadRequestException;

/**
 * {@code POST /local/token}, for trying Herald out: mints a JWT with the scopes and identity
 * asked for, signed by the key generated at start. Exists only in the {@code local} profile,
 * which refuses to start on a non-loopback address.
 */
@RestController
@Profile("local")
public class LocalTokenController {

    public static final String PATH = "/local/token";
    static final String ISSUER = "herald-local";

    /**
     * What a token should say: scopes, and optionally the agency ({@code org}), person ({@code pid}),
     * organisation ({@code orgNumber}) and party ({@code partyId}), written under the claim names of
     * {@code herald.security.claims.*} (an organisation as a Maskinporten-style {@code consumer} object).
     */
    public record TokenRequest(List<String> scopes, String org, String pid, String orgNumber, String partyId) {
    }

    public record TokenResponse(String access_token, String token_type, long expires_in) {
    }

    private final JwtEncoder encoder;
    private final Clock clock;
    private final Duration lifetime;
    private final String audience;
    private final SecurityProperties.Claims claimNames;

    LocalTokenController(JwtEncoder encoder, Clock clock, LocalProperties properties, SecurityProperties security) {
        this.encoder = encoder;
        this.clock = clock;
        this.lifetime = properties.tokenLifetime();
        this.audience = properties.audience();
        this.claimNames = security.claims();
    }

    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    TokenResponse token(@RequestBody TokenRequest request) {
        List<String> scopes = request.scopes() == null ? List.of() : request.scopes();
        if (scopes.stream().anyMatch(scope -> scope == null || scope.isBlank() || scope.contains(" "))) {
            throw new BadRequestException("invalid-body", "scopes", "must be scope names without spaces");
        }
        Instant now = clock.instant();
        String subject = firstOf(request.pid(), request.orgNumber(), request.org(), "local-user");
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
                .issuer(ISSUER)
                .audience(List.of(audience))
                .subject(subject)
                .issuedAt(now)
                .notBefore(now)
                .expiresAt(now.plus(lifetime))
                .claim("scope", String.join(" ", scopes));
        if (!nullToEmpty(request.org()).isEmpty()) {
            claims.claim(claimNames.org(), request.org());
        }
        if (!nullToEmpty(request.pid()).isEmpty()) {
            claims.claim(claimNames.person(), request.pid());
        }
        if (!nullToEmpty(request.orgNumber()).isEmpty()) {
            claims.claim(claimNames.organisation(), Map.of("authority", "iso6523-actorid-upis", "ID", "0192:" + request.orgNumber()));
        }
        if (!nullToEmpty(request.partyId()).isEmpty()) {
            claims.claim(claimNames.party(), request.partyId());
        }
        // an identity claim other than sub (herald.security.claims.identity) names the same caller
        claims.claims(all -> all.putIfAbsent(claimNames.identity(), subject));
        String token = encoder.encode(JwtEncoderParameters.from(
                JwsHeader.with(SignatureAlgorithm.RS256).build(), claims.build())).getTokenValue();
        return new TokenResponse(token, "Bearer", lifetime.toSeconds());
    }

    private static String firstOf(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        throw new IllegalStateException("the last value is a default");
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
