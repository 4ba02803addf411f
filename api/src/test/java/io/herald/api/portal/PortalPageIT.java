package io.herald.api.portal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.herald.api.ApiTestSupport;

/**
 * What Herald serves for the portal, over plain HTTP: the page, its scripts and settings without a
 * token, all under the strict Content-Security-Policy; and the API behind it still needs one.
 */
class PortalPageIT extends ApiTestSupport {

    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    @Test
    void shouldServeThePageWithoutATokenUnderAStrictPolicy() {
        Response page = get("/portal", null);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).isEqualTo("text/html;charset=UTF-8");
        assertThat(page.header("Content-Security-Policy")).isEqualTo(POLICY);
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(page.body()).contains("<script type=\"module\" src=\"/portal/js/main.js\"></script>")
                .doesNotContain("<script>").doesNotContain(" style=\"").doesNotContain("onclick");
        assertThat(get("/portal/", null).body()).isEqualTo(page.body());
    }

    @Test
    void shouldServeTheScriptsAsJavaScriptModulesWithoutAToken() {
        for (String script : new String[] {"main", "api", "dom", "signin", "subscriptions", "detail"}) {
            Response module = get("/portal/js/" + script + ".js", null);
            assertThat(module.status()).as(script).isEqualTo(200);
            assertThat(module.header("Content-Type")).as(script).startsWith("text/javascript");
            assertThat(module.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(module.body()).as(script).doesNotContain("innerHTML").doesNotContain("outerHTML").doesNotContain("insertAdjacentHTML").doesNotContain("eval(");
        }
        assertThat(get("/portal/portal.css", null).header("Content-Type")).startsWith("text/css");
    }

    @Test
    void shouldTellThePageHowToSignInHere() {
        Response settings = get("/portal/config.json", null);

        assertThat(settings.status()).isEqualTo(200);
        assertThat(settings.header("Content-Security-Policy")).isEqualTo(POLICY);
        assertThat(settings.json().get("localTokens").asBoolean()).as("the tests run in the local profile").isTrue();
        assertThat(settings.json().get("subscribeScope").asString()).isEqualTo(SUBSCRIBE);
        assertThat(settings.json().get("pollIntervalMillis").asLong()).isEqualTo(300);
        assertThat(settings.json().get("signIn").isNull()).as("no issuer configured").isTrue();
    }

    @Test
    void shouldKeepTheApiBehindItsTokenAndAnswerPathsThePortalDoesNotServe() {
        assertThat(get("/events/api/v1/subscriptions", null).status()).isEqualTo(401);

        Response missing = get("/portal/nothing-here.js", null);
        assertThat(missing.status()).isEqualTo(404);
        Response posted = post("/portal", "application/json", "{}", null);
        assertThat(posted.status()).as(posted.body()).isEqualTo(405);
        assertThat(posted.json().get("code").asString()).isEqualTo("method-not-allowed");
    }
}
