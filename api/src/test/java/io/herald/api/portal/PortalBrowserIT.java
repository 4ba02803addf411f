package io.herald.api.portal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.standardwebhooks.Webhook;

import io.herald.api.ApiTestSupport;

/**
 * The subscriber portal end to end, in headless Chromium against the running Herald and a real
 * webhook receiver (WireMock): a subscriber signs in, creates a subscription, watches its handshake
 * fail and then succeed, sees the attempts at an event appear without reloading, replays dead
 * letters (one, then all, then those of a time range) and the events of a time range, sends a test
 * event, rotates the secret (and the receiver's pushes verify with the secret the page showed),
 * pauses, resumes and deletes it. Each
 * main view is checked by axe-core in the same browser; screenshots are kept in
 * {@code target/portal-screenshots}.
 */
class PortalBrowserIT extends ApiTestSupport {

    private static final String HOOK = "/hooks/portal";
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static Chromium browser;

    @Autowired
    private JdbcTemplate jdbc;

    private final WireMockServer receiver = new WireMockServer(options().dynamicPort());
    private String org;
    private String resource;

    @BeforeAll
    static void startBrowser() {
        browser = new Chromium();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void start() {
        receiver.start();
        org = "p" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        resource = "urn:altinn:resource:app_" + org + "_portal";
        // the handshake fails until the test lets it through; events fail until the receiver is "fixed"
        validation(503);
        events(500, "receiver down: try again later");
        browser.open("http://127.0.0.1:" + port + "/portal");
        browser.script("sessionStorage.clear()");
    }

    @AfterEach
    void stop() {
        receiver.stop();
    }

    @Test
    void shouldManageASubscriptionFromSignInToDeletion() throws Exception {
        browser.open("http://127.0.0.1:" + port + "/portal");
        eventually(() -> browser.text("h1"), "Sign in to manage your subscriptions");
        accessible("1-sign-in");

        // by keyboard: the first Tab reaches the skip link, which moves focus to the content
        browser.find("body").sendKeys(Keys.TAB);
        assertThat(browser.script("return document.activeElement.className")).isEqualTo("skip-link");
        browser.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
        eventually(() -> browser.script("return document.activeElement.id"), "main");
        assertThat(browser.text("h1")).as("the view stays").isEqualTo("Sign in to manage your subscriptions");

        browser.find("#local-org").sendKeys(org, Keys.ENTER);
        eventually(() -> browser.text("#no-subscriptions"), "You have no subscriptions yet.");
        assertThat(browser.text("#who")).isEqualTo("Signed in as agency " + org);

        browser.find("#create-link").sendKeys(Keys.ENTER);
        eventually(() -> browser.text("h1"), "Create a subscription");
        accessible("2-create");

        // what the API refuses is shown at the field it concerns
        browser.type("#f-resourceFilter", resource);
        browser.type("#f-typeFilter", "*.created");
        browser.find("#create-submit").click();
        eventually(() -> browser.text("#f-typeFilter-error"), "may contain * only once, as its last character (to match types that start with the rest) but was \"*.created\"");
        assertThat(browser.find("#f-typeFilter").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.text("#f-endPoint-error")).isNotEmpty();
        assertThat(browser.text("#create-errors")).contains("The subscription was not created");
        accessible("2-create-errors");

        browser.type("#f-endPoint", "http://127.0.0.1:" + receiver.port() + HOOK);
        browser.type("#f-typeFilter", "app.instance.*");
        browser.find("#create-submit").click();
        eventually(() -> browser.text("h1").startsWith("Subscription ") ? "detail" : browser.text("h1"), "detail");
        long id = Long.parseLong(browser.text("h1").substring("Subscription ".length()));
        String firstSecret = browser.text("#secret-value");
        assertThat(firstSecret).startsWith("whsec_");
        eventually(() -> browser.text("#subscription-channel"), "webhook");

        // the handshake fails and the page says so; once the receiver answers, it validates
        eventually(() -> browser.text("#subscription-validation").replaceAll("\\d+ handshake attempts?", "N handshake attempts")
                .replaceAll(";.*", ""), "Not validated yet: N handshake attempts");
        eventually(() -> browser.text("#subscription-validation").contains("the last failed") ? "failed" : "", "failed");
        validation(200);
        eventually(() -> browser.text("#subscription-status"), "active");
        assertThat(browser.text("#subscription-validation")).startsWith("Validated ");

        // an event the receiver fails: its attempts appear without a reload
        publish();
        eventually(() -> browser.findAll("#attempts tbody tr").isEmpty(), false);
        assertThat(browser.text("#attempts tbody tr:last-child")).contains("500").contains("retry").contains("receiver down: try again later");
        assertThat(browser.text("#attempts tbody tr:last-child")).containsPattern("\\d+ ms");
        eventually(() -> browser.text("#deliveries tbody tr td:nth-child(3)"), "pending");

        // Herald would retry for hours: the delivery is made a dead letter at once, and the receiver fixed
        deadLetters(id);
        events(200, "{\"thanks\":true}");
        eventually(() -> browser.findAll("#dead-letters tbody tr").size(), 1);
        long delivery = Long.parseLong(browser.text("#dead-letters tbody tr td:first-child"));
        accessible("3-subscription-with-dead-letter");

        int pushes = eventPushes();
        browser.find("button.replay-one[data-delivery='" + delivery + "']").click();
        eventually(() -> browser.text("#action-result"), "Delivery " + delivery + " is due again now.");
        eventually(() -> browser.text("#no-dead-letters"), "No dead letters.");
        eventually(() -> browser.text("#deliveries tbody tr td:nth-child(3)"), "delivered");
        eventually(() -> browser.text("#attempts tbody tr:first-child").contains("{\"thanks\":true}")
                && browser.text("#attempts tbody tr:first-child").contains("200"), true);

        // all dead letters at once
        deadLetters(id);
        eventually(() -> browser.findAll("#dead-letters tbody tr").size(), 1);
        browser.find("#replay-all").click();
        eventually(() -> browser.text("#action-result"), "1 dead letter is due again now.");
        eventually(() -> browser.text("#no-dead-letters"), "No dead letters.");
        eventually(this::eventPushes, pushes + 2);

        // the dead letters of a time range: none in the last hour's first half, one since
        deadLetters(id);
        eventually(() -> browser.findAll("#dead-letters tbody tr").size(), 1);
        anHourAgo("#replay-dead-range-from");
        browser.script("document.getElementById('replay-dead-range-to').value = arguments[0]", localTime(Duration.ofMinutes(30)));
        browser.find("#replay-dead-range button[type=submit]").click();
        eventually(() -> browser.text("#action-result"), "0 dead letters are due again now.");
        browser.script("document.getElementById('replay-dead-range-to').value = ''");
        browser.find("#replay-dead-range button[type=submit]").click();
        eventually(() -> browser.text("#action-result"), "1 dead letter is due again now.");
        eventually(() -> browser.text("#no-dead-letters"), "No dead letters.");
        eventually(this::eventPushes, pushes + 3);

        // the events of a time range, sent again
        anHourAgo("#replay-range-from");
        browser.find("#replay-range button[type=submit]").click();
        eventually(() -> browser.text("#action-result"), "Examined 1 event of the range; 1 sent again.");
        eventually(this::eventPushes, pushes + 4);
        eventually(() -> browser.text("#deliveries tbody tr td:nth-child(3)"), "delivered");
        browser.screenshot("3-subscription-after-replays");

        browser.find("#send-test").click();
        eventually(() -> browser.text("#action-result").replaceAll("test_\\S+", "test_…").replaceAll("\\d+ ms", "N ms"),
                "Test event test_… the endpoint answered 200 in N ms.");

        browser.find("#rotate-secret").click();
        eventually(() -> browser.text("#secret-value").equals(firstSecret) ? "" : browser.text("#secret-value").substring(0, 6), "whsec_");
        String rotated = browser.text("#secret-value");
        browser.find("#send-test").click();
        eventually(() -> receiver.findAll(postRequestedFor(urlEqualTo(HOOK))
                .withRequestBody(matchingJsonPath("$.type", equalTo("platform.events.test")))).size(), 2);
        LoggedRequest lastTest = receiver.findAll(postRequestedFor(urlEqualTo(HOOK))
                .withRequestBody(matchingJsonPath("$.type", equalTo("platform.events.test")))).get(1);
        assertThatCode(() -> new Webhook(rotated).verify(lastTest.getBodyAsString(), headers(lastTest)))
                .as("the secret the page showed signs the pushes").doesNotThrowAnyException();

        browser.find("#pause-resume").click();
        eventually(() -> browser.text("#subscription-status"), "paused");
        eventually(() -> browser.text("#pause-resume"), "Resume");
        browser.find("#pause-resume").click();
        eventually(() -> browser.text("#subscription-status"), "active");

        browser.find("#nav-list").click();
        eventually(() -> browser.findAll("#subscriptions tbody tr").size(), 1);
        assertThat(browser.text("#subscriptions tbody tr")).contains("Subscription " + id).contains("webhook").contains("active")
                .contains(resource).contains("app.instance.*");
        accessible("4-list");

        browser.find("#subscriptions a").click();
        eventually(() -> browser.text("h1"), "Subscription " + id);
        browser.find("#delete").click();
        browser.find("#delete-yes").click();
        eventually(() -> browser.text("#no-subscriptions"), "You have no subscriptions yet.");
        assertThat(get("/events/api/v1/subscriptions/" + id, agencyToken(org)).status()).isEqualTo(404);

        assertThat(browser.scriptErrorsAndPolicyViolations()).as("script errors or CSP violations in the console").isEmpty();
    }

    @Test
    void shouldSendBackToSignInWhenHeraldRefusesTheToken() {
        browser.open("http://127.0.0.1:" + port + "/portal");
        eventually(() -> browser.text("h1"), "Sign in to manage your subscriptions");
        browser.type("#pasted-token", "not a token");
        browser.find("#paste-sign-in button[type=submit]").click();
        eventually(() -> browser.text("#paste-error"), "That is not a JWT: three base64url parts separated by dots.");

        browser.type("#pasted-token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl");
        browser.find("#paste-sign-in button[type=submit]").click();
        eventually(() -> browser.text("[role=alert]"), "Herald refused the token (it may have expired). Sign in again.");
        assertThat(browser.script("return sessionStorage.getItem('herald.portal.token')")).isNull();

        browser.type("#pasted-token", agencyToken(org));
        browser.find("#paste-sign-in button[type=submit]").click();
        eventually(() -> browser.text("#no-subscriptions"), "You have no subscriptions yet.");

        // the accessibility check bites: a field without a label is reported
        browser.script("document.querySelector('main').append(document.createElement('input'))");
        assertThat(browser.seriousAccessibilityViolations("check-that-bites")).singleElement().asString().startsWith("critical label:");
    }

    /** A Web Push subscription made on the page (the device's PushSubscription pasted), shown with its channel as the API names it. */
    @Test
    void shouldCreateAWebPushSubscriptionAndShowItsChannel() throws Exception {
        receiver.stubFor(WireMock.post(urlEqualTo("/push/device")).willReturn(aResponse().withStatus(201)));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        ECPublicKey key = (ECPublicKey) generator.generateKeyPair().getPublic();
        byte[] point = new byte[65];
        point[0] = 4;
        copy32(key.getW().getAffineX(), point, 1);
        copy32(key.getW().getAffineY(), point, 33);
        var encoder = Base64.getUrlEncoder().withoutPadding();
        String pushSubscription = "{\"endpoint\":\"http://127.0.0.1:" + receiver.port() + "/push/device\",\"keys\":{\"p256dh\":\""
                + encoder.encodeToString(point) + "\",\"auth\":\"" + encoder.encodeToString(new byte[16]) + "\"}}";

        browser.open("http://127.0.0.1:" + port + "/portal#/new");
        eventually(() -> browser.text("h1"), "Sign in to manage your subscriptions");
        browser.find("#local-org").sendKeys(org, Keys.ENTER);
        eventually(() -> browser.text("h1"), "Create a subscription");
        browser.find("#channel-web-push").click();
        assertThat(browser.find("#f-endPoint").isDisplayed()).isFalse();
        browser.type("#f-pushSubscription", pushSubscription);
        browser.type("#f-resourceFilter", resource);
        browser.find("#create-submit").click();
        eventually(() -> browser.text("#subscription-channel"), "web-push");
        eventually(() -> browser.text("#subscription-status"), "active");

        publish();
        eventually(() -> browser.text("#attempts tbody tr:first-child td:nth-child(5)"), "201");
        eventually(() -> browser.text("#deliveries tbody tr td:nth-child(3)"), "delivered");
        browser.find("#nav-list").click();
        eventually(() -> browser.text("#subscriptions tbody tr td:nth-child(2)"), "web-push");
    }

    /**
     * An SMS subscription made on the page by a person: a number that is not E.164 is refused at
     * its field, the code texted to the number (read from the WireMock gateway) is entered after a
     * wrong one and an expired one, a new code is asked for too soon and then in time, and the
     * subscription is shown validated.
     */
    @Test
    void shouldCreateAnSmsSubscriptionAndConfirmTheTextedCode() {
        String person = digits(11);
        String number = "+479" + digits(7);
        String masked = "+47*****" + number.substring(number.length() - 3);

        browser.open("http://127.0.0.1:" + port + "/portal#/new");
        eventually(() -> browser.text("h1"), "Sign in to manage your subscriptions");
        browser.find("#local-pid").sendKeys(person, Keys.ENTER);
        eventually(() -> browser.text("h1"), "Create a subscription");
        assertThat(browser.text("#who")).isEqualTo("Signed in as " + person);
        browser.find("#channel-sms").sendKeys(Keys.SPACE);
        assertThat(browser.find("#f-phoneNumber").isDisplayed()).isTrue();
        assertThat(browser.find("#f-endPoint").isDisplayed()).isFalse();
        accessible("5-sms-create");

        // a number without its country code is refused at the field, which says why
        browser.type("#f-phoneNumber", "91234567");
        browser.type("#f-resourceFilter", resource);
        browser.find("#create-submit").click();
        eventually(() -> browser.text("#f-phoneNumber-error").contains("E.164"), true);
        assertThat(browser.find("#f-phoneNumber").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.script("return document.activeElement.id")).isEqualTo("create-errors");
        accessible("5-sms-create-errors");
        assertThat(textsTo(number)).isEmpty();

        browser.type("#f-phoneNumber", number);
        browser.find("#create-submit").click();
        eventually(() -> browser.text("#subscription-channel"), "sms");
        long id = Long.parseLong(browser.text("h1").substring("Subscription ".length()));
        assertThat(browser.text("#subscription-phone")).isEqualTo(masked);
        assertThat(browser.text("#subscription-status")).isEqualTo("pending-validation");
        assertThat(browser.text("#subscription-validation")).isEqualTo("Not validated yet: waiting for the code texted to " + masked);
        assertThat(browser.find("#verification").isDisplayed()).isTrue();
        assertThat(browser.text("#verify-code-hint")).startsWith("The 6 digits Herald texted to " + masked);
        assertThat(browser.find("#rotate-secret").isDisplayed()).as("nothing is signed for a phone").isFalse();
        assertThat(browser.driver().getPageSource()).as("the page never holds the whole number").doesNotContain(number.substring(1));
        accessible("6-sms-verification");

        // a wrong code: the API's message, with the tries left, at the field, which takes focus
        String code = lastCode(number);
        String wrong = code.equals("000000") ? "111111" : "000000";
        browser.type("#verify-code", wrong);
        browser.find("#verify-submit").click();
        eventually(() -> browser.text("#verify-code-error"), "The code does not match; 4 tries left.");
        assertThat(browser.find("#verify-code").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.script("return document.activeElement.id")).isEqualTo("verify-code");
        accessible("6-sms-verification-wrong-code");

        // the code expired: the page says to ask for a new one
        assertThat(jdbc.update("UPDATE sms_verification SET expires_at = now() - interval '1 second' WHERE subscription_id = ?", id))
                .isEqualTo(1);
        browser.type("#verify-code", code);
        browser.find("#verify-submit").click();
        eventually(() -> browser.text("#verify-code-error"), "The code has expired: ask for a new one. Use “Text me a new code” below.");

        // a new code asked for too soon (the last is made to look texted a moment from now): when to try again, from Retry-After
        assertThat(jdbc.update("UPDATE sms_verification SET sent_at = now() + interval '10 seconds' WHERE subscription_id = ?", id))
                .isEqualTo(1);
        browser.find("#resend-code").click();
        eventually(() -> browser.text("#verify-result").replaceAll("in \\d+ seconds? \\(at [^)]+\\)", "in N s (at T)"),
                "A code was texted a moment ago. You can ask for a new one in N s (at T).");
        assertThat(textsTo(number)).hasSize(1);

        assertThat(jdbc.update("UPDATE sms_verification SET sent_at = now() - interval '1 minute' WHERE subscription_id = ?", id))
                .isEqualTo(1);
        browser.find("#resend-code").click();
        eventually(() -> browser.text("#verify-result"), "A new code is texted to " + masked + ". The previous one no longer works.");
        assertThat(textsTo(number)).hasSize(2);
        String second = lastCode(number);

        browser.type("#verify-code", second);
        browser.find("#verify-code").sendKeys(Keys.ENTER);
        eventually(() -> browser.text("#subscription-status"), "active");
        assertThat(browser.text("#subscription-validation")).startsWith("Validated ");
        assertThat(browser.find("#verification").isDisplayed()).isFalse();
        eventually(() -> browser.text("#action-result"), "The number " + masked
                + " is confirmed: the subscription is validated and its events are texted from now on.");
        String token = (String) browser.script("return sessionStorage.getItem('herald.portal.token')");
        assertThat(get("/events/api/v1/subscriptions/" + id, token).json().get("validated").asBoolean()).isTrue();
        browser.screenshot("7-sms-validated");
        assertThat(browser.scriptErrorsAndPolicyViolations()).as("script errors or CSP violations in the console").isEmpty();
    }

    private static String digits(int count) {
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < count; i++) {
            digits.append(ThreadLocalRandom.current().nextInt(i == 0 ? 1 : 0, 10));
        }
        return digits.toString();
    }

    /** The texts the SMS gateway (WireMock) took for {@code number}, oldest first. */
    private static List<String> textsTo(String number) {
        List<String> texts = new ArrayList<>();
        for (LoggedRequest request : smsGateway().findAll(postRequestedFor(urlEqualTo(SMS_MESSAGES)))) {
            Map<String, String> form = new HashMap<>();
            for (String pair : request.getBodyAsString().split("&")) {
                String[] parts = pair.split("=", 2);
                form.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8), URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
            }
            if (number.equals(form.get("To"))) {
                texts.add(form.get("Body"));
            }
        }
        return texts;
    }

    /** The code in the latest text to the number. */
    private static String lastCode(String number) {
        List<String> texts = textsTo(number);
        Matcher matcher = Pattern.compile("code is ([0-9]{6})").matcher(texts.isEmpty() ? "" : texts.get(texts.size() - 1));
        assertThat(matcher.find()).as("a code was texted to the number").isTrue();
        return matcher.group(1);
    }

    private static void copy32(BigInteger value, byte[] out, int offset) {
        byte[] bytes = value.toByteArray();
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, out, offset + 32 - length, length);
    }

    /** Types into a date and time field (the browser's local time) the time an hour ago. */
    private void anHourAgo(String css) {
        browser.find(css).click();
        browser.script("arguments[0].value = arguments[1]", browser.find(css), localTime(Duration.ofHours(1)));
    }

    /** The browser's local time {@code ago} before now, as a datetime-local field holds it. */
    private String localTime(Duration ago) {
        return (String) browser.script("""
                const d = new Date(Date.now() - arguments[0]);
                return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 19);
                """, ago.toMillis());
    }

    /** axe-core finds nothing serious or critical on the page as it is; a screenshot of it is kept. */
    private void accessible(String view) {
        browser.screenshot(view);
        assertThat(browser.seriousAccessibilityViolations(view)).as("serious accessibility violations on " + view).isEmpty();
    }

    private static <T> void eventually(Callable<T> actual, T expected) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .untilAsserted(() -> assertThat(actual.call()).isEqualTo(expected));
    }

    private void validation(int status) {
        receiver.stubFor(WireMock.post(urlEqualTo(HOOK)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.type", equalTo("platform.events.validatesubscription")))
                .willReturn(aResponse().withStatus(status)));
    }

    private void events(int status, String body) {
        receiver.stubFor(WireMock.post(urlEqualTo(HOOK)).atPriority(5).willReturn(aResponse().withStatus(status).withBody(body)));
    }

    private void publish() {
        var published = post("/events/api/v1/events", "application/cloudevents+json", cloudEvent(resource).toString(),
                publisherTokenFor(resource));
        assertThat(published.status()).as(published.body()).isEqualTo(200);
    }

    private void deadLetters(long subscription) {
        assertThat(jdbc.update("UPDATE delivery SET status = 'dead', dead_lettered_at = now() WHERE subscription_id = ?", subscription))
                .isEqualTo(1);
    }

    private int eventPushes() {
        return receiver.findAll(postRequestedFor(urlEqualTo(HOOK)).withRequestBody(matchingJsonPath("$.resource", equalTo(resource)))).size();
    }

    private static Map<String, List<String>> headers(LoggedRequest request) {
        Map<String, List<String>> headers = new HashMap<>();
        for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
            headers.put(name, List.of(request.getHeader(name)));
        }
        return headers;
    }
}
