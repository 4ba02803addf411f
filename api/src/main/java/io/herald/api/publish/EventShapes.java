package io.herald.api.publish;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import io.herald.api.problem.BadRequestException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns the other input shapes Herald accepts into CloudEvents: the app-event shape of
 * {@code POST /app} (Herald assigns id and time and derives resource and resourceinstance), and
 * the Azure Event Grid shape of the original proposal's {@code POST /events}.
 */
@Component
public class EventShapes {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** What Herald sets on an app event (a client's value is ignored), and the app library's name for datacontenttype. */
    private static final Set<String> IGNORED = Set.of("id", "time", "resource", "resourceinstance", "specversion", "contenttype");
    /** CloudEvents attributes whose values may be structured. */
    private static final Set<String> DATA = Set.of("data", "data_base64");
    /** A CloudEvents extension attribute's name; other members are not attributes and are ignored. */
    private static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]{1,20}");
    /** Event Grid members and the CloudEvents attribute each becomes. */
    private static final Map<String, String> EVENT_GRID = Map.of(
            "id", "id", "topic", "source", "eventType", "type", "subject", "subject",
            "eventTime", "time", "data", "data", "dataVersion", "dataversion");

    private final Clock clock;

    public EventShapes(Clock clock) {
        this.clock = clock;
    }

    /**
     * The app-event shape → a CloudEvent, as the platform's app library sends it: every member
     * present, {@code null} where unset, and a client {@code time}. Herald assigns {@code id} and
     * {@code time} and derives {@code resource} and {@code resourceinstance} from the source, so the
     * client's {@code id}, {@code time}, {@code resource} and {@code resourceinstance} are ignored, as
     * are {@code null} members and members that are no CloudEvents attribute. The id is derived from
     * the request when the client sent a {@code time} or an {@code id} (the app library always sends
     * a time), so that a retried request names the same event; see docs/adr/0011.
     */
    public AppEvent fromAppEvent(JsonNode input) {
        if (!input.isObject()) {
            throw new BadRequestException("invalid-event", "", "an app event must be a JSON object");
        }
        JsonNode source = input.get("source");
        if (source == null || !source.isString()) {
            throw new BadRequestException("invalid-event", "source", "is required: the app instance URL .../{org}/{app}/instances/{partyId}/{instanceGuid}");
        }
        AppInstancePath instance = AppInstancePath.of(source.stringValue()).orElseThrow(() -> new BadRequestException(
                "invalid-event", "source", "must name an app instance as .../{org}/{app}/instances/{partyId}/{instanceGuid} but was \""
                        + source.stringValue() + "\""));
        boolean derived = input.hasNonNull("time") || input.hasNonNull("id");
        ObjectNode event = JSON.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", derived ? UUID.nameUUIDFromBytes(("herald:app-event:" + JSON.writeValueAsString(input))
                .getBytes(StandardCharsets.UTF_8)).toString() : UUID.randomUUID().toString());
        event.set("source", source);
        copy(input, event, "type");
        copy(input, event, "subject");
        copy(input, event, "alternativesubject");
        event.put("time", DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.MICROS)));
        event.put("resource", instance.resource());
        event.put("resourceinstance", instance.resourceInstance());
        contentType(input.get("contenttype")).ifPresent(type -> event.put("datacontenttype", type));
        input.properties().forEach(member -> {
            JsonNode value = member.getValue();
            if (!event.has(member.getKey()) && !IGNORED.contains(member.getKey()) && !value.isNull()
                    && (DATA.contains(member.getKey()) || EXTENSION_NAME.matcher(member.getKey()).matches() && value.isValueNode())) {
                event.set(member.getKey(), value);
            }
        });
        return new AppEvent(event, derived);
    }

    /** A CloudEvent made from the app-event shape; {@code derivedId} when a retry of the same request gets the same id. */
    public record AppEvent(ObjectNode event, boolean derivedId) {
    }

    /**
     * The app library's {@code contenttype}: a media type string, or .NET's {@code ContentType}
     * serialised as an object whose {@code MediaType} (and {@code CharSet}) say it.
     */
    private static Optional<String> contentType(JsonNode value) {
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isString() && !value.stringValue().isBlank()) {
            return Optional.of(value.stringValue());
        }
        JsonNode mediaType = value.get("MediaType");
        if (mediaType != null && mediaType.isString() && !mediaType.stringValue().isBlank()) {
            JsonNode charset = value.get("CharSet");
            return Optional.of(mediaType.stringValue()
                    + (charset != null && charset.isString() && !charset.stringValue().isBlank() ? "; charset=" + charset.stringValue() : ""));
        }
        return Optional.empty();
    }

    /** True for an object in Azure Event Grid's schema rather than a CloudEvent. */
    public static boolean isEventGrid(JsonNode input) {
        return input.isObject() && !input.has("specversion") && input.has("eventType");
    }

    /** An Event Grid event → the equivalent CloudEvent; {@code field} prefixes error field names. */
    public ObjectNode fromEventGrid(JsonNode input, String field) {
        for (String required : new String[] {"id", "topic", "eventType"}) {
            if (!input.hasNonNull(required)) {
                throw new BadRequestException("invalid-event", prefixed(field, required), "is required in an Event Grid event");
            }
        }
        ObjectNode event = JSON.createObjectNode();
        event.put("specversion", "1.0");
        EVENT_GRID.forEach((from, to) -> {
            JsonNode value = input.get(from);
            if (value != null && !value.isNull()) {
                event.set(to, value);
            }
        });
        JsonNode resource = input.get("resource");
        if (resource != null) {
            event.set("resource", resource);
        } else if (input.get("topic").isString()) {
            AppInstancePath.of(input.get("topic").stringValue()).ifPresent(instance -> {
                event.put("resource", instance.resource());
                event.put("resourceinstance", instance.resourceInstance());
            });
        }
        if (!event.has("resource")) {
            throw new BadRequestException("invalid-event", prefixed(field, "topic"),
                    "must be an app instance path /{org}/{app}/instances/{partyId}/{instanceGuid}, or the event must carry resource");
        }
        return event;
    }

    private static void copy(JsonNode from, ObjectNode to, String name) {
        JsonNode value = from.get(name);
        if (value != null && !value.isNull()) {
            to.set(name, value);
        }
    }

    private static String prefixed(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }
}
