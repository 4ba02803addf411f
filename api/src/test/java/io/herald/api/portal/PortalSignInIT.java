package io.herald.api.portal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.herald.api.ApiTestSupport;

/**
 * Signing in to the portal through an OAuth2 issuer (WireMock plays it: its authorization endpoint
 * sends the browser straight back with a code, its token endpoint answers a token Herald accepts),
 * in headless Chromium: the page uses the authorization code flow with PKCE (S256), checks the
 * state it sent, exchanges the code with the verifier behind the challenge, and removes code and
 * state from the address.
 */
class PortalSignInIT extends ApiTestSupport {

    private static final WireMockServer ISSUER = new WireMockServer(options().dynamicPort().templatingEnabled(true));
    private static final String CLIENT = "herald-portal";
    private static Chromium browser;

    @DynamicPropertySource
    static void issuer(DynamicPropertyRegistry registry) {
        if (!ISSUER.isRunning()) {
            ISSUER.start();
        }
        // Quartz's schedulers are JVM-wide by name: each application context in one JVM needs its own
        registry.add("spring.quartz.scheduler-name", () -> "herald-portal-sign-in-it");
        registry.add("herald.portal.sign-in.authorization-uri", () -> "http://127.0.0.1:" + ISSUER.port() + "/authorize");
        registry.add("herald.portal.sign-in.token-uri", () -> "http://127.0.0.1:" + ISSUER.port() + "/oauth2/token");
        registry.add("herald.portal.sign-in.client-id", () -> CLIENT);
    }

    @BeforeAll
    static void startBrowser() {
        browser = new Chromium();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        ISSUER.stop();
    }

    @Test
    void shouldSignInThroughTheIssuerWithPkce() throws Exception {
        String org = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        ISSUER.stubFor(WireMock.get(urlPathEqualTo("/authorize")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "{{request.query.redirect_uri}}?code=code-from-issuer&state={{request.query.state}}")
                .withTransformers("response-template")));
        ISSUER.stubFor(WireMock.post(urlPathEqualTo("/oauth2/token")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("Access-Control-Allow-Origin", "http://127.0.0.1:" + port)
                .withBody("{\"access_token\":\"" + agencyToken(org) + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));

        Response settings = get("/portal/config.json", null);
        assertThat(settings.json().get("signIn").get("clientId").asString()).isEqualTo(CLIENT);
        assertThat(get("/portal", null).header("Content-Security-Policy"))
                .contains("connect-src 'self' http://127.0.0.1:" + ISSUER.port() + ";");

        browser.open("http://127.0.0.1:" + port + "/portal");
        eventually(() -> browser.text("h1"), "Sign in to manage your subscriptions");
        assertThat(browser.findAll("#local-sign-in")).as("the local profile's form is there too").isNotEmpty();
        browser.find("#sign-in-issuer").click();

        eventually(() -> browser.text("#no-subscriptions"), "You have no subscriptions yet.");
        assertThat(browser.text("#who")).isEqualTo("Signed in as agency " + org);
        assertThat(browser.driver().getCurrentUrl()).as("code and state are gone from the address").isEqualTo("http://127.0.0.1:" + port + "/portal");

        LoggedRequest authorize = ISSUER.findAll(getRequestedFor(urlPathEqualTo("/authorize"))).get(0);
        assertThat(authorize.queryParameter("response_type").firstValue()).isEqualTo("code");
        assertThat(authorize.queryParameter("client_id").firstValue()).isEqualTo(CLIENT);
        assertThat(authorize.queryParameter("redirect_uri").firstValue()).isEqualTo("http://127.0.0.1:" + port + "/portal");
        assertThat(authorize.queryParameter("scope").firstValue()).isEqualTo(SUBSCRIBE);
        assertThat(authorize.queryParameter("code_challenge_method").firstValue()).isEqualTo("S256");
        assertThat(authorize.queryParameter("state").firstValue()).hasSizeGreaterThanOrEqualTo(32);

        LoggedRequest exchange = ISSUER.findAll(postRequestedFor(urlPathEqualTo("/oauth2/token"))).get(0);
        Map<String, String> form = form(exchange.getBodyAsString());
        assertThat(form).containsEntry("grant_type", "authorization_code").containsEntry("code", "code-from-issuer")
                .containsEntry("client_id", CLIENT).containsEntry("redirect_uri", "http://127.0.0.1:" + port + "/portal")
                .doesNotContainKey("client_secret");
        String verifier = form.get("code_verifier");
        assertThat(verifier).hasSizeBetween(43, 128);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        assertThat(authorize.queryParameter("code_challenge").firstValue()).as("the challenge is the verifier's SHA-256").isEqualTo(challenge);
        assertThat(browser.scriptErrorsAndPolicyViolations()).isEmpty();
    }

    @Test
    void shouldRefuseACodeForASignInThePageDidNotStart() {
        browser.open("http://127.0.0.1:" + port + "/portal");
        browser.script("sessionStorage.clear()");
        int exchanges = ISSUER.findAll(postRequestedFor(urlPathEqualTo("/oauth2/token"))).size();

        browser.open("http://127.0.0.1:" + port + "/portal?code=stolen&state=forged");

        eventually(() -> browser.text("[role=alert]"), "The answer from the sign-in does not belong to a sign-in this page started. Sign in again.");
        assertThat(browser.driver().getCurrentUrl()).doesNotContain("stolen");
        assertThat(ISSUER.findAll(postRequestedFor(urlPathEqualTo("/oauth2/token")))).as("no code was exchanged").hasSize(exchanges);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            String[] parts = pair.split("=", 2);
            form.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8), URLDecoder.decode(parts.length > 1 ? parts[1] : "", StandardCharsets.UTF_8));
        }
        return form;
    }

    private static <T> void eventually(Callable<T> actual, T expected) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .untilAsserted(() -> assertThat(actual.call()).isEqualTo(expected));
    }
}
