package io.herald.api.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The portal's settings refuse a sign-in half configured, and its policy opens only the issuer's token endpoint. */
class PortalPropertiesTest {

    private static final PortalProperties.SignIn NONE = new PortalProperties.SignIn(null, null, null, null);

    @Test
    void shouldRefuseASignInWithoutAllOfItsEndpointsAndClientId() {
        assertThatThrownBy(() -> new PortalProperties.SignIn(URI.create("https://login.example/authorize"), null, "portal", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs authorization-uri, token-uri and client-id together")
                .hasMessageContaining("token-uri=null");
        assertThatThrownBy(() -> new PortalProperties.SignIn(URI.create("https://login.example/authorize"),
                URI.create("https://login.example/token"), " ", null))
                .hasMessageContaining("client-id= ");
    }

    @Test
    void shouldRefuseAnEndpointThatIsNotAnAbsoluteWebUrl() {
        assertThatThrownBy(() -> new PortalProperties.SignIn(URI.create("/authorize"), URI.create("https://login.example/token"),
                "portal", null))
                .hasMessage("herald.portal.sign-in.authorization-uri must be an absolute https URL but was /authorize");
        assertThatThrownBy(() -> new PortalProperties.SignIn(URI.create("https://login.example/authorize"),
                URI.create("ftp://login.example/token"), "portal", null))
                .hasMessageContaining("token-uri must be an absolute https URL but was ftp://login.example/token");
    }

    @Test
    void shouldRefuseAPollIntervalThatWouldFloodHerald() {
        assertThatThrownBy(() -> new PortalProperties(Duration.ofMillis(50), NONE))
                .hasMessage("herald.portal.poll-interval must be at least 200ms but was PT0.05S");
    }

    @Test
    void shouldAllowRequestsToHeraldAloneWithoutASignIn() {
        assertThat(PortalConfiguration.contentSecurityPolicy(NONE)).isEqualTo("default-src 'none'; script-src 'self'; "
                + "style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    }

    @Test
    void shouldAllowTheTokenRequestToTheIssuersOriginOnly() {
        var signIn = new PortalProperties.SignIn(URI.create("https://login.example/authorize"),
                URI.create("HTTPS://Tokens.Example:8443/oauth2/token?x=1"), "portal", null);

        assertThat(PortalConfiguration.contentSecurityPolicy(signIn)).contains("connect-src 'self' https://tokens.example:8443;")
                .doesNotContain("login.example").doesNotContain("unsafe");
        assertThat(signIn.configured()).isTrue();
        assertThat(NONE.configured()).isFalse();
    }
}
