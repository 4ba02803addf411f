package io.herald.api;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * SMS through the running Herald, with WireMock as the Twilio gateway: a person subscribes a phone
 * number, confirms the texted code, and then gets its own events, and never anyone else's; codes
 * are limited in tries and time; a signed STOP through the inbound webhook ends the number's
 * subscriptions, a forged one is refused.
 */
class SmsApiIT extends ApiTestSupport {

    private static final String SUBSCRIPTIONS = "/events/api/v1/subscriptions";
    private static final String INBOUND = "/events/api/v1/sms/inbound";
    private static final Pattern CODE = Pattern.compile("code is ([0-9]{6})");

    @Autowired
    private JdbcTemplate jdbc;

    private final String agency = "sms" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final String resource = "urn:altinn:resource:app_" + agency + "_texts";
    private final String personP = digits(11);
    private final String personQ = digits(11);
    private final String partyP = digits(9);
    private final String partyQ = digits(9);
    private final String numberP = "+479" + digits(7);
    private final String numberQ = "+479" + digits(7);

    private ObjectNode smsSubscription(String number, String party) {
        ObjectNode body = JSON.createObjectNode();
        body.put("channel", "sms");
        body.put("phoneNumber", number);
        body.put("resourceFilter", resource);
        body.put("subjectFilter", "/party/" + party);
        return body;
    }

    private Response create(ObjectNode body, String token) {
        return post(SUBSCRIPTIONS, "application/json", body.toString(), token);
    }

    /** The texts WireMock took for {@code number}, oldest first. */
    private static List<String> textsTo(String number) {
        List<String> texts = new ArrayList<>();
        for (LoggedRequest request : smsGateway().findAll(postRequestedFor(urlEqualTo(SMS_MESSAGES)))) {
            Map<String, String> form = form(request.getBodyAsString());
            if (number.equals(form.get("To"))) {
                texts.add(form.get("Body"));
            }
        }
        return texts;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            String[] parts = pair.split("=", 2);
            form.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8), URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
        return form;
    }

    /** The code in the latest text to the number. */
    private static String lastCode(String number) {
        List<String> texts = textsTo(number);
        for (int i = texts.size() - 1; i >= 0; i--) {
            Matcher matcher = CODE.matcher(texts.get(i));
            if (matcher.find()) {
                return matcher.group(1);
            }
        }
        throw new AssertionError("no code was texted to the number");
    }

    private Response confirm(long subscription, String code, String token) {
        return post(SUBSCRIPTIONS + "/" + subscription + "/verification", "application/json", "{\"code\":\"" + code + "\"}", token);
    }

    private Response resend(long subscription, String token) {
        return post(SUBSCRIPTIONS + "/" + subscription + "/verification/resend", "application/json", "", token);
    }

    private String publish(String party, String person) {
        ObjectNode event = cloudEvent(resource);
        String guid = UUID.randomUUID().toString();
        event.put("source", "https://" + agency + ".apps.example/" + agency + "/texts/instances/" + party + "/" + guid);
        event.put("subject", "/party/" + party);
        event.put("alternativesubject", "/person/" + person);
        event.put("resourceinstance", party + "/" + guid);
        Response response = post("/events/api/v1/events", "application/cloudevents+json", event.toString(), publisherTokenFor(resource));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return event.get("id").asString();
    }

    /** A subscription of the person's, verified with the code texted to the number. */
    private long verified(String number, String party, String token) {
        Response created = create(smsSubscription(number, party), token);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        Response confirmed = confirm(id, lastCode(number), token);
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        return id;
    }

    @Test
    void shouldTextAPersonsEventsOnlyToThatPersonsVerifiedNumber() {
        String tokenP = identityToken(Map.of("pid", personP, "partyId", partyP));
        String tokenQ = identityToken(Map.of("pid", personQ, "partyId", partyQ));

        Response createdP = create(smsSubscription(numberP, partyP), tokenP);
        assertThat(createdP.status()).as(createdP.body()).isEqualTo(201);
        JsonNode subscriptionP = createdP.json();
        assertThat(subscriptionP.get("channel").asString()).isEqualTo("sms");
        assertThat(subscriptionP.get("phoneNumber").asString()).isEqualTo("+47*****" + numberP.substring(numberP.length() - 3));
        assertThat(subscriptionP.get("validated").asBoolean()).isFalse();
        assertThat(subscriptionP.get("status").asString()).isEqualTo("pending-validation");
        assertThat(subscriptionP.get("codeSent").asBoolean()).isTrue();
        assertThat(subscriptionP.has("secret")).as("nothing is signed for a phone").isFalse();
        assertThat(createdP.body()).as("the number is shown masked only").doesNotContain(numberP.substring(1));
        assertThat(textsTo(numberP)).singleElement().satisfies(text ->
                assertThat(text).matches("Your Herald code is [0-9]{6}\\. It expires in 10 minutes\\."));

        String beforeVerification = publish(partyP, personP);
        long idP = subscriptionP.get("id").asLong();
        Response confirmed = confirm(idP, lastCode(numberP), tokenP);
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        assertThat(confirmed.json().get("validated").asBoolean()).isTrue();
        assertThat(confirmed.json().get("status").asString()).isEqualTo("active");
        long idQ = verified(numberQ, partyQ, tokenQ);

        String eventP = publish(partyP, personP);
        String eventQ = publish(partyQ, personQ);

        await().atMost(Duration.ofSeconds(30)).until(() -> textsTo(numberP).size() == 2 && textsTo(numberQ).size() == 2);
        assertThat(textsTo(numberP).get(1)).contains("https://herald.test/e/" + eventP).contains("/party/" + partyP)
                .doesNotContain(eventQ).doesNotContain(beforeVerification);
        assertThat(textsTo(numberQ).get(1)).contains("https://herald.test/e/" + eventQ).doesNotContain(eventP);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery WHERE subscription_id IN (?, ?)", Integer.class, idP, idQ))
                .as("one delivery each, none across, none from before the number was verified").isEqualTo(2);
        JsonNode listed = get(SUBSCRIPTIONS, tokenP).json();
        assertThat(listed.toString()).contains("\"channel\":\"sms\"").doesNotContain(numberP.substring(1));
        assertThat(jdbc.queryForObject("SELECT validation_attempts FROM subscription WHERE id = ?", Integer.class, idP))
                .as("the webhook handshake's sweep (every 100 ms here) leaves SMS subscriptions alone").isZero();
    }

    @Test
    void shouldRefuseAnSmsSubscriptionToAnotherSubjectOrFromAnAgency() {
        String tokenQ = identityToken(Map.of("pid", personQ, "partyId", partyQ));

        Response stolen = create(smsSubscription(numberQ, partyP), tokenQ);
        assertThat(stolen.status()).as("Q may not have P's events texted to any number").isEqualTo(403);
        ObjectNode aboutP = smsSubscription(numberQ, partyQ);
        aboutP.put("alternativeSubjectFilter", "/person/" + personP);
        assertThat(create(aboutP, tokenQ).status()).isEqualTo(403);
        Response byAgency = create(smsSubscription(numberQ, partyP), agencyToken(agency));
        assertThat(byAgency.status()).as("an agency sends no one's events to a number").isEqualTo(403);
        assertThat(byAgency.body()).contains("only a person or an organisation");
        assertThat(textsTo(numberQ)).as("no code is texted for a refused subscription").isEmpty();
    }

    @Test
    void shouldLetAnOrganisationHaveItsOwnEventsTextedAndNoOtherOrganisations() {
        String orgNumber = digits(9);
        String organisation = identityToken(Map.of("orgNumber", orgNumber));
        ObjectNode own = smsSubscription(numberP, partyP);
        own.remove("subjectFilter");
        own.put("alternativeSubjectFilter", "/organisation/" + orgNumber);
        ObjectNode other = own.deepCopy();
        other.put("alternativeSubjectFilter", "/organisation/" + digits(9));

        Response created = create(own, organisation);
        Response refused = create(other, organisation);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("consumer").asString()).isEqualTo("/organisation/" + orgNumber);
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        ObjectNode subunits = own.deepCopy();
        subunits.put("includeSubunits", true);
        assertThat(create(subunits, organisation).status()).as("a number gets its owner's own events only").isEqualTo(400);
    }

    @Test
    void shouldBindAnSmsSubscriptionWithoutSubjectFilterToTheCallersOwnParty() {
        String tokenP = identityToken(Map.of("pid", personP, "partyId", partyP));
        ObjectNode body = smsSubscription(numberP, partyP);
        body.remove("subjectFilter");

        Response created = create(body, tokenP);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("subjectFilter").asString()).isEqualTo("/person/" + personP);
    }

    @Test
    void shouldAnswer400ForANumberThatIsNotE164OrAnSmsSubscriptionWithAnEndpoint() {
        String tokenP = identityToken(Map.of("pid", personP, "partyId", partyP));

        Response local = create(smsSubscription("91234567", partyP), tokenP);
        assertThat(local.status()).isEqualTo(400);
        assertThat(local.body()).contains("phoneNumber").contains("E.164");
        ObjectNode both = smsSubscription(numberP, partyP);
        both.put("endPoint", "https://hooks.example/herald");
        Response twoChannels = create(both, tokenP);
        assertThat(twoChannels.status()).isEqualTo(400);
        assertThat(twoChannels.body()).contains("endPoint");
        ObjectNode noNumber = smsSubscription(numberP, partyP);
        noNumber.remove("phoneNumber");
        assertThat(create(noNumber, tokenP).status()).isEqualTo(400);
    }

    @Test
    void shouldVoidACodeAfterFiveWrongTriesOrWhenItExpiredAndLimitResends() {
        String tokenP = identityToken(Map.of("pid", personP, "partyId", partyP));
        Response created = create(smsSubscription(numberP, partyP), tokenP);
        long id = created.json().get("id").asLong();
        String code = lastCode(numberP);
        String wrong = code.equals("000000") ? "111111" : "000000";

        for (int tries = 4; tries >= 0; tries--) {
            Response refused = confirm(id, wrong, tokenP);
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().get("triesLeft").asInt()).isEqualTo(tries);
        }
        Response voided = confirm(id, code, tokenP);
        assertThat(voided.status()).as("the right code after its tries are used up").isEqualTo(409);
        assertThat(voided.body()).contains("ask for a new one");
        assertThat(confirm(id, "12ab56", tokenP).status()).isEqualTo(400);
        String otherConsumer = identityToken(Map.of("pid", personQ, "partyId", partyQ));
        assertThat(confirm(id, code, otherConsumer).status()).as("another's subscription is not found").isEqualTo(404);

        Response tooSoon = resend(id, tokenP);
        assertThat(tooSoon.status()).isEqualTo(429);
        assertThat(tooSoon.header("Retry-After")).isNotBlank();
        await().atMost(Duration.ofSeconds(10)).until(() -> resend(id, tokenP).status() == 202);
        String second = lastCode(numberP);
        jdbc.update("UPDATE sms_verification SET expires_at = now() - interval '1 second' WHERE subscription_id = ?", id);
        Response expired = confirm(id, second, tokenP);
        assertThat(expired.status()).isEqualTo(409);
        assertThat(expired.body()).contains("expired");

        await().atMost(Duration.ofSeconds(10)).until(() -> resend(id, tokenP).status() == 202);
        Response confirmed = confirm(id, lastCode(numberP), tokenP);
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        assertThat(confirmed.json().get("validated").asBoolean()).isTrue();
        assertThat(confirm(id, lastCode(numberP), tokenP).status()).as("verified already").isEqualTo(409);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sms_verification WHERE subscription_id = ?", Integer.class, id))
                .as("the confirmed code is gone").isZero();
    }

    @Test
    void shouldEndEveryOfTheNumbersSubscriptionsOnASignedStopAndRefuseAForgedOne() throws Exception {
        String tokenP = identityToken(Map.of("pid", personP, "partyId", partyP));
        long first = verified(numberP, partyP, tokenP);
        ObjectNode other = smsSubscription(numberP, partyP);
        other.put("typeFilter", "app.instance.process.completed");
        Response second = create(other, tokenP);
        long secondId = second.json().get("id").asLong();
        assertThat(confirm(secondId, lastCode(numberP), tokenP).status()).isEqualTo(200);
        Map<String, String> stop = new TreeMap<>(Map.of("From", numberP, "To", "+15005550006", "Body", "Stop",
                "MessageSid", "SM" + digits(10), "AccountSid", SMS_ACCOUNT));

        Response forged = inbound(stop, signature("not-the-auth-token", stop));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(get(SUBSCRIPTIONS + "/" + first, tokenP).json().get("status").asString()).isEqualTo("active");
        assertThat(inbound(stop, null).status()).as("unsigned").isEqualTo(403);
        Response malformed = send(HttpRequest.newBuilder(url(INBOUND)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("Body=STOP&From=%ZZ")));
        assertThat(malformed.status()).as("a malformed percent-escape").isEqualTo(400);

        Response stopped = inbound(stop, signature(SMS_AUTH_TOKEN, stop));
        assertThat(stopped.status()).as(stopped.body()).isEqualTo(200);
        assertThat(stopped.body()).contains("<Response>");

        for (long id : List.of(first, secondId)) {
            JsonNode subscription = get(SUBSCRIPTIONS + "/" + id, tokenP).json();
            assertThat(subscription.get("status").asString()).isEqualTo("disabled");
            assertThat(subscription.get("disabledReason").asString()).contains("replied STOP");
            assertThat(subscription.get("validated").asBoolean()).as("resuming needs the number's consent again").isFalse();
        }
        String notices = "/events/api/v1/events?resource=urn:herald:subscriptions&subject=/person/" + personP + "&after=0";
        await().atMost(Duration.ofSeconds(20)).until(() -> get(notices, tokenP).json().size() == 2);
        assertThat(get(notices, tokenP).json().get(0).get("type").asString()).as("the owner is told, as after a webhook's 410")
                .isEqualTo("platform.events.subscription.disabled");
        int textsBefore = textsTo(numberP).size();
        publish(partyP, personP);
        Response anotherStop = inbound(Map.of("From", numberQ, "Body", "HELP"),
                signature(SMS_AUTH_TOKEN, Map.of("From", numberQ, "Body", "HELP")));
        assertThat(anotherStop.status()).as("another word is authentic but ignored").isEqualTo(200);
        // the matcher has seen the event once another published after it is delivered to a subscriber
        String tokenQ = identityToken(Map.of("pid", personQ, "partyId", partyQ));
        verified(numberQ, partyQ, tokenQ);
        publish(partyQ, personQ);
        await().atMost(Duration.ofSeconds(30)).until(() -> textsTo(numberQ).size() == 2);
        assertThat(textsTo(numberP)).as("nothing more is texted to a number that said STOP").hasSize(textsBefore);
    }

    private Response inbound(Map<String, String> form, String signature) {
        StringBuilder body = new StringBuilder();
        form.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&").append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        var request = HttpRequest.newBuilder(url(INBOUND)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (signature != null) {
            request.header("X-Twilio-Signature", signature);
        }
        return send(request);
    }

    /** Twilio's signature, as its documentation describes it: HMAC-SHA1 over the URL and the sorted parameters. */
    private String signature(String authToken, Map<String, String> form) {
        StringBuilder data = new StringBuilder(url(INBOUND).toString());
        new TreeMap<>(form).forEach((name, value) -> data.append(name).append(value));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String digits(int count) {
        StringBuilder digits = new StringBuilder();
        digits.append(1 + ThreadLocalRandom.current().nextInt(9));
        for (int i = 1; i < count; i++) {
            digits.append(ThreadLocalRandom.current().nextInt(10));
        }
        return digits.toString();
    }
}
