package io.herald.subscriptions.access;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An external policy decision point speaking the XACML 3.0 JSON profile, as the platform's runs:
 * one POST per batch, a multi-request with one {@code AccessSubject}, {@code Resource} and
 * {@code Action} category per request tied together by {@code MultiRequests.RequestReference}.
 * Results are paired with requests by an identifier they carry, never by position: each request's
 * {@code Resource} category holds the attribute {@value #REQUEST_ID} ({@code IncludeInResult}), which
 * the decision point echoes in the result's {@code Category} list (a result may instead name the
 * category by its {@code Id}). Anything but {@code Permit} is not readable: a timeout, an error
 * status, a malformed answer, a result that names no request, an unknown one or one already
 * answered all make the whole answer {@link Decision#INDETERMINATE}, which denies (and is not
 * cached); a request without a result is indeterminate. Only a batch of one request may take a
 * single result that names none: there is nothing it could be confused with.
 */
public final class XacmlDecisionPoint implements DecisionPoint {

    private static final Logger log = LoggerFactory.getLogger(XacmlDecisionPoint.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static final String ORG = "urn:altinn:org";
    static final String PERSON = "urn:altinn:person:identifier-no";
    static final String ORGANISATION = "urn:altinn:organization:identifier-no";
    static final String PARTY_ID = "urn:altinn:partyid";
    static final String RESOURCE = "urn:altinn:resource";
    static final String ACTION = "urn:oasis:names:tc:xacml:1.0:action:action-id";
    /** Echoed by the decision point in each result ({@code IncludeInResult}): which request the result answers. */
    static final String REQUEST_ID = "urn:herald:request-id";
    private static final String RESOURCE_PREFIX = "urn:altinn:resource:";

    private final URI url;
    private final Duration timeout;
    private final int maxBatch;
    private final HttpClient client;

    public XacmlDecisionPoint(AuthorizationProperties.Xacml settings) {
        this.url = settings.url();
        this.timeout = settings.timeout();
        this.maxBatch = settings.maxBatch();
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public List<Decision> decide(List<AccessRequest> requests) {
        List<Decision> answers = new ArrayList<>(requests.size());
        for (int from = 0; from < requests.size(); from += maxBatch) {
            List<AccessRequest> batch = requests.subList(from, Math.min(requests.size(), from + maxBatch));
            answers.addAll(decideBatch(batch));
        }
        return answers;
    }

    private List<Decision> decideBatch(List<AccessRequest> batch) {
        String body = JSON.writeValueAsString(request(batch));
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(url)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                log.warn("The decision point answered {}: {} requests denied", response.statusCode(), batch.size());
                return indeterminate(batch.size());
            }
            return decisions(response.body(), batch.size());
        } catch (IOException e) {
            log.warn("The decision point did not answer ({}): {} requests denied", e.toString(), batch.size());
            return indeterminate(batch.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return indeterminate(batch.size());
        }
    }

    static ObjectNode request(List<AccessRequest> batch) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode request = root.putObject("Request");
        request.put("ReturnPolicyIdList", false);
        ArrayNode subjects = request.putArray("AccessSubject");
        ArrayNode actions = request.putArray("Action");
        ArrayNode resources = request.putArray("Resource");
        ArrayNode references = request.putObject("MultiRequests").putArray("RequestReference");
        for (int i = 0; i < batch.size(); i++) {
            AccessRequest access = batch.get(i);
            Caller caller = access.caller();
            ArrayNode subject = category(subjects, "s" + i);
            attribute(subject, ORG, caller.agency());
            attribute(subject, PERSON, caller.personNumber());
            attribute(subject, ORGANISATION, caller.organisationNumber());
            attribute(subject, PARTY_ID, caller.partyId());
            attribute(category(actions, "a" + i), ACTION, access.action());
            ArrayNode resource = category(resources, "r" + i);
            String resourceId = access.resource().startsWith(RESOURCE_PREFIX)
                    ? access.resource().substring(RESOURCE_PREFIX.length()) : access.resource();
            attribute(resource, RESOURCE, resourceId);
            attribute(resource, REQUEST_ID, "r" + i).put("IncludeInResult", true);
            for (String party : new String[] {access.subject(), access.alternativeSubject()}) {
                if (party == null) {
                    continue;
                }
                if (party.startsWith("/party/")) {
                    attribute(resource, PARTY_ID, party.substring(7));
                } else if (party.startsWith("/person/")) {
                    attribute(resource, PERSON, party.substring(8));
                } else if (party.startsWith("/org/")) {
                    attribute(resource, ORGANISATION, party.substring(5));
                }
            }
            references.addObject().putArray("ReferenceId").add("s" + i).add("a" + i).add("r" + i);
        }
        return root;
    }

    private static ArrayNode category(ArrayNode categories, String id) {
        ObjectNode category = categories.addObject();
        category.put("Id", id);
        return category.putArray("Attribute");
    }

    private static ObjectNode attribute(ArrayNode attributes, String id, String value) {
        if (value == null) {
            return JSON.createObjectNode();
        }
        return attributes.addObject().put("AttributeId", id).put("Value", value)
                .put("DataType", "http://www.w3.org/2001/XMLSchema#string");
    }

    /**
     * The decisions of a response, in the order of the requests, each taken from the result that
     * names its request; all indeterminate when any result cannot be paired or read.
     */
    static List<Decision> decisions(String body, int expected) {
        JsonNode results;
        try {
            JsonNode root = JSON.readTree(body);
            results = root == null ? null : root.get("Response");
        } catch (JacksonException e) {
            log.warn("The decision point's answer is not JSON: {} requests denied", expected);
            return indeterminate(expected);
        }
        if (results == null || !results.isArray() || results.size() > expected) {
            log.warn("The decision point's answer holds no Response array of at most {} results: all denied", expected);
            return indeterminate(expected);
        }
        List<Decision> decisions = indeterminate(expected);
        boolean[] answered = new boolean[expected];
        for (JsonNode result : results) {
            JsonNode decision = result == null ? null : result.get("Decision");
            Decision read = decision == null || !decision.isString() ? null : decision(decision.asString());
            if (read == null) {
                // one result we cannot read makes the whole answer suspect: nothing in it is trusted
                log.warn("The decision point's answer holds a result without a known Decision: all {} denied", expected);
                return indeterminate(expected);
            }
            int request = requestOf(result, expected);
            if (request < 0 || answered[request]) {
                log.warn("The decision point's answer holds a result that names {} request: all {} denied",
                        request < 0 ? "no known" : "an already answered", expected);
                return indeterminate(expected);
            }
            answered[request] = true;
            decisions.set(request, read);
        }
        return decisions;
    }

    /** The index of the request a result answers, or -1 when it names none of them. */
    private static int requestOf(JsonNode result, int expected) {
        String named = null;
        for (JsonNode category : result.path("Category")) {
            String id = category.path("Id").isString() ? category.path("Id").asString() : null;
            for (JsonNode attribute : category.path("Attribute")) {
                if (REQUEST_ID.equals(attribute.path("AttributeId").asString(null)) && attribute.path("Value").isString()) {
                    id = attribute.path("Value").asString();
                }
            }
            if (id != null && id.matches("r\\d{1,9}")) {
                if (named != null && !named.equals(id)) {
                    return -1; // two different requests named: not trusted
                }
                named = id;
            }
        }
        if (named == null) {
            return expected == 1 ? 0 : -1;
        }
        int index = Integer.parseInt(named.substring(1));
        return index < expected ? index : -1;
    }

    /** The decision named, or null for a name the XACML profile does not have. */
    private static Decision decision(String text) {
        switch (text) {
            case "Permit":
                return Decision.PERMIT;
            case "Deny":
                return Decision.DENY;
            case "NotApplicable":
                return Decision.NOT_APPLICABLE;
            default:
                return text.startsWith("Indeterminate") ? Decision.INDETERMINATE : null;
        }
    }

    private static List<Decision> indeterminate(int count) {
        return new ArrayList<>(Collections.nCopies(count, Decision.INDETERMINATE));
    }
}
