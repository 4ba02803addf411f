package io.herald.store;

import java.util.UUID;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Builds valid CloudEvents for tests; each call to {@link #event} makes a new id. */
public final class TestEvents {

    public static final CloudEventParser PARSER = new CloudEventParser(new EventLimits(64 * 1024, 1024));
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TestEvents() {
    }

    /** A minimal valid event JSON for this resource, with a fresh id. */
    public static ObjectNode json(String resource) {
        ObjectNode node = JSON.createObjectNode();
        node.put("specversion", "1.0");
        node.put("id", UUID.randomUUID().toString());
        node.put("source", "https://apps.example/ttd/test");
        node.put("type", "app.instance.created");
        node.put("resource", resource);
        return node;
    }

    public static IncomingEvent event(String resource) {
        return PARSER.parse(json(resource));
    }

    public static IncomingEvent parse(ObjectNode node) {
        return PARSER.parse(node);
    }

    /** A resource no other test uses. */
    public static String uniqueResource() {
        return "urn:altinn:resource:test_" + UUID.randomUUID().toString().replace("-", "");
    }
}
