package io.herald.api.publish;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import io.herald.api.problem.EventConflictException;
import io.herald.api.publish.EventPublisher.Receipt;
import io.herald.store.IncomingEvent;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishing: CloudEvents one at a time (structured or binary mode) or in batches, the app-event shape, and the original
 * proposal's {@code POST /events} (CloudEvents or Azure Event Grid events). Every answer comes
 * after the events are committed.
 */
@RestController
public class PublishController {

    public static final String CLOUDEVENTS_JSON = "application/cloudevents+json";
    public static final String CLOUDEVENTS_BATCH_JSON = "application/cloudevents-batch+json";
    /** Beside the event: where it stands in the log (the same value a feed cursor uses). */
    public static final String POSITION_HEADER = "Herald-Position";

    private static final JsonMapper JSON_STRINGS = JsonMapper.builder().build();
    /** The body types the publish paths take (structured mode, plain JSON, batches). */
    private static final List<MediaType> TAKEN = List.of(MediaType.parseMediaType(CLOUDEVENTS_JSON), MediaType.APPLICATION_JSON,
            MediaType.parseMediaType(CLOUDEVENTS_BATCH_JSON));

    private final JsonBodies bodies;
    private final EventPublisher publisher;
    private final EventShapes shapes;
    private final BinaryCloudEvents binary;
    private final ReceiptResponses receipts;

    public PublishController(JsonBodies bodies, EventPublisher publisher, EventShapes shapes, BinaryCloudEvents binary,
            ReceiptResponses receipts) {
        this.bodies = bodies;
        this.receipts = receipts;
        this.binary = binary;
        this.publisher = publisher;
        this.shapes = shapes;
    }

    @PostMapping(path = "/events/api/v1/events", consumes = {CLOUDEVENTS_JSON, MediaType.APPLICATION_JSON_VALUE},
            produces = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "200", description = "OK: the event is stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = Receipt.class)))
    void publish(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonNode body = bodies.read(request);
        if (body.isArray()) {
            throw new io.herald.api.problem.BadRequestException("invalid-event", "",
                    "a single event must be a JSON object; send an array as " + CLOUDEVENTS_BATCH_JSON);
        }
        receipts.write(response, publisher.publishOne(body));
    }

    /**
     * One CloudEvent in HTTP binary mode, on both single-event publish paths: the {@code ce-specversion}
     * header marks it, whatever the body's content type. Batches have no binary mode.
     */
    @PostMapping(path = {"/events/api/v1/events", "/events"}, headers = BinaryCloudEvents.SPECVERSION_HEADER,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "200", description = "OK: the event is stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = Receipt.class)))
    void publishBinary(HttpServletRequest request, HttpServletResponse response) throws IOException {
        receipts.write(response, publisher.publishOne(binary.read(request)));
    }

    /**
     * What neither structured mode nor binary mode matched: 415, as before binary mode existed (without
     * this mapping the binary one, which takes any content type, would make Spring answer 404); 406 when the
     * body's type is one Herald takes but the client accepts no JSON answer.
     */
    @PostMapping(path = {"/events/api/v1/events", "/events"})
    ResponseEntity<Void> unsupportedMediaType(HttpServletRequest request)
            throws HttpMediaTypeNotSupportedException, HttpMediaTypeNotAcceptableException {
        MediaType sent = readableOrNull(request.getContentType());
        if (sent != null && TAKEN.stream().anyMatch(taken -> taken.includes(sent))) {
            throw new HttpMediaTypeNotAcceptableException(List.of(MediaType.APPLICATION_JSON));
        }
        throw new HttpMediaTypeNotSupportedException(sent, TAKEN, HttpMethod.POST);
    }

    /** The content type sent, or null when there is none or it cannot be read (empty, an unknown charset): 415 either way. */
    private static MediaType readableOrNull(String contentType) {
        if (contentType == null) {
            return null;
        }
        try {
            return MediaType.parseMediaType(contentType);
        } catch (org.springframework.http.InvalidMediaTypeException e) {
            return null;
        }
    }

    @PostMapping(path = "/events/api/v1/events", consumes = CLOUDEVENTS_BATCH_JSON, produces = MediaType.APPLICATION_JSON_VALUE)
    List<Receipt> publishBatch(HttpServletRequest request) {
        return publisher.publishBatch(bodies.read(request));
    }

    /**
     * The platform's answer: 201, {@code Location: <subject>} and the new event's id as a JSON string.
     * A retry of a request whose id Herald derived (see {@link EventShapes#fromAppEvent}) finds the
     * event stored already (its time differs) and gets the same answer.
     */
    @PostMapping(path = "/events/api/v1/app", consumes = {MediaType.APPLICATION_JSON_VALUE, CLOUDEVENTS_JSON},
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> publishAppEvent(HttpServletRequest request) {
        EventShapes.AppEvent app = shapes.fromAppEvent(bodies.read(request));
        IncomingEvent incoming = publisher.parse(app.event(), "");
        ResponseEntity.BodyBuilder created = ResponseEntity.status(HttpStatus.CREATED);
        if (incoming.subject() != null) {
            created.header(HttpHeaders.LOCATION, incoming.subject());
        }
        try {
            created.header(POSITION_HEADER, publisher.publish(List.of(incoming), false).get(0).position());
        } catch (EventConflictException e) {
            if (!app.derivedId()) {
                throw e;
            }
        }
        return created.contentType(MediaType.APPLICATION_JSON).body(JSON_STRINGS.writeValueAsString(incoming.key().id()));
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
