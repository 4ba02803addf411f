package io.herald.api.publish;

import java.util.Collections;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Component;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.rw.CloudEventRWException;
import io.herald.api.problem.BadRequestException;
import tools.jackson.databind.JsonNode;

/**
 * Reads a CloudEvent sent in HTTP binary mode (attributes in {@code ce-*} headers, the data as the
 * body with its own {@code Content-Type}) with the CloudEvents SDK's HTTP binding, and turns it into
 * the structured JSON form Herald stores: JSON data stays JSON, other data becomes
 * {@code data_base64}. The Spring integration of the SDK is not used: its message converter does
 * not read on Spring 7.
 */
@Component
public class BinaryCloudEvents {

    /** Present on every binary-mode request (CloudEvents HTTP binding, section 3.1.3). */
    public static final String SPECVERSION_HEADER = "ce-specversion";

    private static final EventFormat STRUCTURED = new JsonFormat();

    private final JsonBodies bodies;

    public BinaryCloudEvents(JsonBodies bodies) {
        this.bodies = bodies;
    }

    /** The request's event as a structured CloudEvent; 400 naming what the SDK could not read. */
    public JsonNode read(HttpServletRequest request) {
        byte[] body = bodies.bytes(request);
        CloudEvent event;
        try {
            MessageReader reader = HttpMessageFactory.createReader(header -> {
                for (String name : Collections.list(request.getHeaderNames())) {
                    header.accept(name, request.getHeader(name));
                }
            }, body.length == 0 ? null : body);
            event = reader.toEvent();
        } catch (CloudEventRWException | IllegalArgumentException | IllegalStateException e) {
            throw new BadRequestException("invalid-event", "", "not a CloudEvent in HTTP binary mode: " + e.getMessage());
        }
        return bodies.parse(STRUCTURED.serialize(event));
    }
}
