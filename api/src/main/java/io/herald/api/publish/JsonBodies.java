package io.herald.api.publish;

import java.io.IOException;
import java.io.InputStream;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Component;

import io.herald.api.problem.BadRequestException;
import io.herald.api.problem.PayloadTooLargeException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads a request body as JSON, never more than {@code herald.publish.max-body-size}: an oversize
 * body is refused with 413 before it is buffered, malformed JSON (or a repeated member name) with
 * 400 saying where. Numbers keep the text they were sent as ({@link ExactJson}), so that an event is
 * stored and served exactly as published.
 */
@Component
public class JsonBodies {

    private final long maxBodyBytes;

    public JsonBodies(PublishProperties properties) {
        this.maxBodyBytes = properties.maxBodySize().toBytes();
    }

    public JsonNode read(HttpServletRequest request) {
        byte[] body = bytes(request);
        if (body.length == 0) {
            throw new BadRequestException("malformed-json", "", "the request body is empty");
        }
        return parse(body);
    }

    /** The body as JSON; 400 saying where it is malformed. */
    public JsonNode parse(byte[] body) {
        try {
            return ExactJson.read(body);
        } catch (JacksonException e) {
            throw new BadRequestException("malformed-json", "", "the request body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        }
    }

    /** The body's bytes, at most {@code herald.publish.max-body-size} of them (else 413). */
    public byte[] bytes(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge(declared);
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(Math.toIntExact(maxBodyBytes + 1));
        } catch (IOException e) {
            throw new BadRequestException("malformed-body", "", "the request body could not be read: " + e.getMessage());
        }
        if (body.length > maxBodyBytes) {
            throw tooLarge(body.length);
        }
        return body;
    }

    private PayloadTooLargeException tooLarge(long size) {
        return new PayloadTooLargeException("a request body may be at most " + maxBodyBytes + " bytes but was " + (size > maxBodyBytes ? "larger" : size));
    }
}
