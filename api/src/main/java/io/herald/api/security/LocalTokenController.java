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

    /** What a token should say: scopes, and optionally the agency ({@code org}), person ({@code pid}) or organisation. */
    public record TokenRequest(List<String> scopes, String org, String pid, String orgNumber) {
    }

    public record TokenResponse(String access_token, String token_type, long expires_in) {
    }

    private final JwtEncoder encoder;
    private final Clock clock;
    private final Duration lifetime;

    LocalTokenController(JwtEncoder encoder, Clock clock, LocalProperties properties) {
        this.encoder = encoder;
        this.clock = clock;
        this.lifetime = properties.tokenLifetime();
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
                .subject(subject)
                .issuedAt(now)
                .expiresAt(now.plus(lifetime))
                .claim("scope", String.join(" ", scopes));
        Map.of("org", nullToEmpty(request.org()), "pid", nullToEmpty(request.pid()), "orgNumber", nullToEmpty(request.orgNumber()))
                .forEach((name, value) -> {
                    if (!value.isEmpty()) {
                        claims.claim(name, value);
                    }
                });
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
