package io.herald.api.security;

import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;

/**
 * The {@code local} profile: a signing key generated at start, the decoder that trusts it, and the
 * guard that keeps all of this off any address but loopback.
 */
@Configuration(proxyBeanMethods = false)
@Profile("local")
@EnableConfigurationProperties(LocalProperties.class)
class LocalTokenConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LocalTokenConfiguration.class);

    /** Checked before any bean is made, so the application (and its web server) never starts on a public address. */
    @Bean
    static BeanFactoryPostProcessor localProfileOnLoopbackOnly(Environment environment) {
        requireLoopback(environment.getProperty("server.address"));
        return beanFactory -> { };
    }

    static void requireLoopback(String address) {
        if (!LocalAddresses.isLoopback(address)) {
            throw new IllegalStateException("The local profile mints tokens for anyone who asks, so Herald refuses to start it on "
                    + (address == null ? "all network interfaces" : "the address " + address)
                    + ". Bind it to loopback (server.address=127.0.0.1) or run without the local profile.");
        }
        log.warn("The local profile is active: POST /local/token mints tokens for any caller on {}. Never use it in production.", address);
    }

    @Bean
    RSAKey localSigningKey() throws JOSEException {
        return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
    }

    /** Only RS256 tokens signed by the local key, from the local issuer, for the configured audience, with an expiry, within their lifetime. */
    @Bean
    JwtDecoder localJwtDecoder(RSAKey localSigningKey, LocalProperties properties) throws JOSEException {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey(localSigningKey.toRSAPublicKey())
                .signatureAlgorithm(SignatureAlgorithm.RS256).build();
        OAuth2TokenValidator<Jwt> audience = new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
                aud -> aud != null && aud.contains(properties.audience()));
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(LocalTokenController.ISSUER), audience, TokenRules.expiryRequired()));
        return decoder;
    }

    @Bean
    JwtEncoder localJwtEncoder(RSAKey localSigningKey) {
        return new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(localSigningKey)));
    }
}
