package io.herald.api.publish;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

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
    /** What Herald sets on an app event and a publisher therefore must not. */
    private static final Set<String> ASSIGNED = Set.of("id", "time", "resource", "resourceinstance");
    /** Event Grid members and the CloudEvents attribute each becomes. */
    private static final Map<String, String> EVENT_GRID = Map.of(
            "id", "id", "topic", "source", "eventType", "type", "subject", "subject",
            "eventTime", "time", "data", "data", "dataVersion", "dataversion");

    private final Clock clock;

    public EventShapes(Clock clock) {
        this.clock = clock;
    }

    /** The app-event shape → a CloudEvent. */
    public ObjectNode fromAppEvent(JsonNode input) {
        if (!input.isObject()) {
            throw new BadRequestException("invalid-event", "", "an app event must be a JSON object");
        }
        for (String name : ASSIGNED) {
            if (input.has(name)) {
                throw new BadRequestException("invalid-event", name,
                        "is assigned by Herald on /app; publish to /events to choose it yourself");
            }
        }
        JsonNode source = input.get("source");
        if (source == null || !source.isString()) {
            throw new BadRequestException("invalid-event", "source", "is required: the app instance URL .../{org}/{app}/instances/{partyId}/{instanceGuid}");
        }
        AppInstancePath instance = AppInstancePath.of(source.stringValue()).orElseThrow(() -> new BadRequestException(
                "invalid-event", "source", "must name an app instance as .../{org}/{app}/instances/{partyId}/{instanceGuid} but was \""
                        + source.stringValue() + "\""));
        ObjectNode event = JSON.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", UUID.randomUUID().toString());
        event.set("source", source);
        copy(input, event, "type");
        copy(input, event, "subject");
        copy(input, event, "alternativesubject");
        event.put("time", DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.MICROS)));
        event.put("resource", instance.resource());
        event.put("resourceinstance", instance.resourceInstance());
        input.properties().forEach(member -> {
            if (!event.has(member.getKey())) {
                event.set(member.getKey(), member.getValue());
            }
        });
        return event;
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
        if (value != null) {
            to.set(name, value);
        }
    }

    private static String prefixed(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }
}
