package io.herald.store.cosmos;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.herald.store.Digests;
import io.herald.store.EventKey;
import io.herald.store.EventPosition;
import io.herald.store.IncomingEvent;
import io.herald.store.StoredEvent;

/**
 * The documents of the events and keys containers. An event's partition key ({@code subject}) is
 * its CloudEvent subject; an event without one is kept in the partition {@code "~" + source}, so
 * subject-less events of one source stay together and no single partition collects them all. The
 * CloudEvent subject itself is kept in {@code eventSubject}, which feeds filter on.
 */
final class EventDocuments {

    static final String NO_SUBJECT_PREFIX = "~";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final HexFormat HEX = HexFormat.of();

    private EventDocuments() {
    }

    static String partitionKey(String subject, String source) {
        return subject != null ? subject : NO_SUBJECT_PREFIX + source;
    }

    static String id(EventPosition position) {
        return position.tx() + "-" + position.seq();
    }

    static ObjectNode event(IncomingEvent event, EventPosition position, Instant storedAt) {
        ObjectNode doc = JSON.objectNode();
        doc.put("id", id(position));
        doc.put("subject", partitionKey(event.subject(), event.key().source()));
        doc.put("tx", position.tx());
        doc.put("seq", position.seq());
        doc.put("storedAt", micros(storedAt));
        doc.put("source", event.key().source());
        doc.put("eventId", event.key().id());
        doc.put("type", event.type());
        doc.put("resource", event.resource());
        doc.put("eventSubject", event.subject());
        doc.put("alternativeSubject", event.alternativeSubject());
        doc.put("resourceInstance", event.resourceInstance());
        doc.put("instanceId", event.instanceId());
        doc.put("time", micros(event.time() != null ? event.time() : storedAt));
        doc.put("logRange", io.herald.store.LogRange.hash(event.resource()));
        doc.put("body", event.json());
        return doc;
    }

    static StoredEvent stored(JsonNode doc) {
        return new StoredEvent(
                new EventPosition(doc.path("tx").asLong(), doc.path("seq").asLong()),
                instant(doc.path("storedAt").asLong()),
                new EventKey(doc.path("source").asText(), doc.path("eventId").asText()),
                doc.path("type").asText(),
                doc.path("resource").asText(),
                text(doc, "eventSubject"),
                text(doc, "alternativeSubject"),
                text(doc, "resourceInstance"),
                instant(doc.path("time").asLong()),
                doc.path("body").asText());
    }

    /** The idempotency key's document: one per {@code (resource, source, id)}, its own partition. */
    static ObjectNode key(IncomingEvent event, EventPosition position) {
        ObjectNode doc = JSON.objectNode();
        doc.put("id", keyId(scopedKey(event)));
        doc.put("source", event.key().source());
        doc.put("eventId", event.key().id());
        doc.put("hash", HEX.formatHex(event.contentHash()));
        doc.put("tx", position.tx());
        doc.put("seq", position.seq());
        return doc;
    }

    /**
     * What idempotency is keyed on: {@code (source, id)} within the event's resource (docs/adr/0013),
     * folded into one {@link EventKey} so that look-ups and plans keep their shape.
     */
    static EventKey scopedKey(IncomingEvent event) {
        return new EventKey(event.resource() + '\u0000' + event.key().source(), event.key().id());
    }

    /** A fixed-length id for a key of any length (Cosmos ids are at most 255 characters). */
    static String keyId(EventKey key) {
        return HEX.formatHex(sha256(key.source() + '\u0000' + key.id()));
    }

    static String hash(IncomingEvent event) {
        return HEX.formatHex(event.contentHash());
    }

    static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    private static String text(JsonNode doc, String field) {
        JsonNode value = doc.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static byte[] sha256(String text) {
        return Digests.sha256().digest(text.getBytes(StandardCharsets.UTF_8));
    }
}
