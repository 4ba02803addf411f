package io.herald.api.publish;

import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import io.herald.api.publish.EventPublisher.Receipt;
import io.herald.store.IncomingEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Publishing: CloudEvents one at a time or in batches, the app-event shape, and the original
 * proposal's {@code POST /events} (CloudEvents or Azure Event Grid events). Every answer comes
 * after the events are committed.
 */
@RestController
public class PublishController {

    public static final String CLOUDEVENTS_JSON = "application/cloudevents+json";
    public static final String CLOUDEVENTS_BATCH_JSON = "application/cloudevents-batch+json";
    /** Beside the event: where it stands in the log (the same value a feed cursor uses). */
    public static final String POSITION_HEADER = "Herald-Position";

    private final JsonBodies bodies;
    private final EventPublisher publisher;
    private final EventShapes shapes;

    public PublishController(JsonBodies bodies, EventPublisher publisher, EventShapes shapes) {
        this.bodies = bodies;
        this.publisher = publisher;
        this.shapes = shapes;
    }

    @PostMapping(path = "/events/api/v1/events", consumes = {CLOUDEVENTS_JSON, MediaType.APPLICATION_JSON_VALUE},
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Receipt> publish(HttpServletRequest request) {
        JsonNode body = bodies.read(request);
        if (body.isArray()) {
            throw new io.herald.api.problem.BadRequestException("invalid-event", "",
                    "a single event must be a JSON object; send an array as " + CLOUDEVENTS_BATCH_JSON);
        }
        Receipt receipt = publisher.publishOne(body);
        return ResponseEntity.ok().header(POSITION_HEADER, receipt.position()).body(receipt);
    }

    @PostMapping(path = "/events/api/v1/events", consumes = CLOUDEVENTS_BATCH_JSON, produces = MediaType.APPLICATION_JSON_VALUE)
    List<Receipt> publishBatch(HttpServletRequest request) {
        return publisher.publishBatch(bodies.read(request));
    }

    @PostMapping(path = "/events/api/v1/app", consumes = {MediaType.APPLICATION_JSON_VALUE, CLOUDEVENTS_JSON},
            produces = {CLOUDEVENTS_JSON, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<JsonNode> publishAppEvent(HttpServletRequest request) {
        ObjectNode event = shapes.fromAppEvent(bodies.read(request));
        IncomingEvent incoming = publisher.parse(event, "");
        Receipt receipt = publisher.publish(List.of(incoming), false).get(0);
        return ResponseEntity.status(HttpStatus.CREATED).header(POSITION_HEADER, receipt.position()).body(event);
    }

    /**
     * The original proposal's publish: a CloudEvent or an Event Grid event, or an array of either
     * (all or nothing).
     */
    @PostMapping(path = "/events", consumes = {MediaType.APPLICATION_JSON_VALUE, CLOUDEVENTS_JSON, CLOUDEVENTS_BATCH_JSON},
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> publishOriginal(HttpServletRequest request) {
        JsonNode body = bodies.read(request);
        if (!body.isArray()) {
            Receipt receipt = publisher.publish(List.of(toIncoming(body, "")), false).get(0);
            return ResponseEntity.ok().header(POSITION_HEADER, receipt.position()).body(receipt);
        }
        publisher.checkBatchSize(body);
        List<IncomingEvent> events = new ArrayList<>(body.size());
        for (int i = 0; i < body.size(); i++) {
            events.add(toIncoming(body.get(i), "[" + i + "]"));
        }
        return ResponseEntity.ok(publisher.publish(events, true));
    }

    private IncomingEvent toIncoming(JsonNode event, String field) {
        JsonNode cloudEvent = EventShapes.isEventGrid(event) ? shapes.fromEventGrid(event, field) : event;
        return publisher.parse(cloudEvent, field);
    }
}
