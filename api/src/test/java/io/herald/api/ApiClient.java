package io.herald.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.springframework.boot.test.web.server.LocalServerPort;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Talks HTTP to the Herald a test runs on a random loopback port: tokens, requests, CloudEvents. */
public abstract class ApiClient {

    protected static final String PUBLISH = "altinn:events.publish";
    protected static final String SUBSCRIBE = "altinn:events.subscribe";
    protected static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    protected int port;

    /** A response with its body read as text. */
    public record Response(int status, Map<String, List<String>> headers, String body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    protected String token(String... scopes) {
        Response response = send(HttpRequest.newBuilder(url("/local/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("scopes", List.of(scopes))))));
        if (response.status() != 200) {
            throw new IllegalStateException("no token: " + response);
        }
        return response.json().get("access_token").asString();
    }

    /** A token that may publish to the app resource {@code urn:altinn:resource:app_{org}_…}: its agency's, with the publish scope. */
    protected String publisherTokenFor(String resource) {
        String org = resource.substring("urn:altinn:resource:app_".length()).split("_")[0];
        return agencyToken(org, PUBLISH);
    }

    /** A token that may publish to {@link #TEST_AGENCY}'s apps: that agency's, with the publish scope. */
    protected String publisherToken() {
        return agencyToken(TEST_AGENCY, PUBLISH);
    }

    /** A token for the agency {@code org} with the scopes given (the subscribe scope when none are). */
    protected String agencyToken(String org, String... scopes) {
        return identityToken(Map.of("org", org), scopes);
    }

    /**
     * A token with the identity claims asked of {@code POST /local/token} ({@code org}, {@code pid},
     * {@code orgNumber}, {@code partyId}) and the scopes given (the subscribe scope when none are).
     */
    protected String identityToken(Map<String, String> identity, String... scopes) {
        Map<String, Object> request = new java.util.HashMap<>(identity);
        request.put("scopes", scopes.length == 0 ? List.of(SUBSCRIBE) : List.of(scopes));
        Response response = post("/local/token", "application/json", JSON.writeValueAsString(request), null);
        if (response.status() != 200) {
            throw new IllegalStateException("no token: " + response);
        }
        return response.json().get("access_token").asString();
    }

    protected URI url(String pathAndQuery) {
        return pathAndQuery.startsWith("http") ? URI.create(pathAndQuery) : URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    protected Response post(String path, String contentType, String body, String token) {
        var request = HttpRequest.newBuilder(url(path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    protected Response get(String path, String token, String... headers) {
        var request = HttpRequest.newBuilder(url(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    protected static Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A valid CloudEvent for the resource, with a fresh id. */
    protected static ObjectNode cloudEvent(String resource) {
        ObjectNode event = JSON.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", java.util.UUID.randomUUID().toString());
        event.put("source", "https://ttd.apps.example/ttd/app/instances/50001/" + java.util.UUID.randomUUID());
        event.put("type", "app.instance.created");
        event.put("resource", resource);
        return event;
    }

    /** The agency whose apps {@link #uniqueResource()} names: its tokens read them. */
    protected static final String TEST_AGENCY = "ttd";

    /** A fresh app resource of {@link #TEST_AGENCY}, {@code urn:altinn:resource:app_ttd_{unique}}. */
    protected static String uniqueResource() {
        return "urn:altinn:resource:app_" + TEST_AGENCY + "_" + java.util.UUID.randomUUID().toString().replace("-", "");
    }

    protected static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
