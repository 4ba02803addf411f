package io.herald.api.publish;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

import io.herald.api.publish.EventPublisher.Receipt;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a single publish's answer straight to the response: 200, JSON with its length, and the position
 * header. The same JSON Spring's converter writes (the application's mapper), without what a returned entity
 * costs on every publish — choosing a return value handler and a converter, negotiating the content type,
 * copying the headers over — which took a sixth of the request threads' CPU in the profile of single
 * publishes. The mappings still declare what they produce, so a client that accepts no JSON is still answered
 * 406 before anything is published.
 */
@Component
class ReceiptResponses {

    private final ObjectWriter receipts;

    ReceiptResponses(JsonMapper mapper) {
        this.receipts = mapper.writerFor(Receipt.class);
    }

    void write(HttpServletResponse response, Receipt receipt) throws IOException {
        byte[] body = receipts.writeValueAsBytes(receipt);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setHeader(PublishController.POSITION_HEADER, receipt.position());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
