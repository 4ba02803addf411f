package io.herald.api.publish;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

import io.herald.api.problem.BadRequestException;
import io.herald.api.problem.EventConflictException;
import io.herald.api.problem.PayloadTooLargeException;
import io.herald.store.AppendResult;
import io.herald.store.CloudEventParser;
import io.herald.store.EventPosition;
import io.herald.store.EventStore;
import io.herald.store.IncomingEvent;
import io.herald.store.InvalidEventException;
import tools.jackson.databind.JsonNode;

/** Validates CloudEvents and appends them, one request all or nothing; the answer comes once they are durable. */
@Component
public class EventPublisher {

    /** What a publisher learns of each stored event: its key and its position in the log. */
    public record Receipt(String source, String id, String position) {
    }

    private final EventStore store;
    private final CloudEventParser parser;
    private final int maxBatchSize;
    private final PublishRights rights;

    public EventPublisher(EventStore store, PublishProperties properties, PublishRights rights) {
        this.store = store;
        this.rights = rights;
        this.parser = new CloudEventParser(properties.eventLimits());
        this.maxBatchSize = properties.maxBatchSize();
    }

    public Receipt publishOne(JsonNode event) {
        return publish(List.of(parse(event, "")), false).get(0);
    }

    public List<Receipt> publishBatch(JsonNode batch) {
        checkBatchSize(batch);
        List<IncomingEvent> events = new ArrayList<>(batch.size());
        List<InvalidEventException> failures = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            try {
                events.add(parse(batch.get(i), "[" + i + "]"));
            } catch (InvalidEventException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            throw new InvalidEventException(failures.stream().flatMap(f -> f.errors().stream()).toList(),
                    failures.stream().allMatch(InvalidEventException::tooLarge));
        }
        return publish(events, true);
    }

    /** Refuses what is not a JSON array of 1 to {@code herald.publish.max-batch-size} elements. */
    public void checkBatchSize(JsonNode batch) {
        if (!batch.isArray()) {
            throw new BadRequestException("invalid-batch", "", "a batch must be a JSON array of CloudEvents");
        }
        if (batch.isEmpty()) {
            throw new BadRequestException("invalid-batch", "", "a batch must hold at least one event");
        }
        if (batch.size() > maxBatchSize) {
            throw new PayloadTooLargeException("a batch may hold at most " + maxBatchSize + " events but held " + batch.size());
        }
    }

    /** Validates one CloudEvent; {@code field} prefixes the names of bad fields (an index in a batch). */
    public IncomingEvent parse(JsonNode event, String field) {
        try {
            return parser.parse(event);
        } catch (InvalidEventException e) {
            throw field.isEmpty() ? e : e.withPrefix(field);
        }
    }

    public List<Receipt> publish(List<IncomingEvent> events, boolean batch) {
        rights.check(events);
        AppendResult result = store.append(events);
        if (result instanceof AppendResult.Conflicted conflicted) {
            int index = indexOf(events, conflicted);
            throw new EventConflictException(batch ? "[" + index + "].id" : "id", conflicted.key());
        }
        List<EventPosition> positions = ((AppendResult.Appended) result).positions();
        List<Receipt> receipts = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            IncomingEvent event = events.get(i);
            receipts.add(new Receipt(event.key().source(), event.key().id(), positions.get(i).toString()));
        }
        return receipts;
    }

    /** The last event with the conflicting key: the one that differs from what came before. */
    private static int indexOf(List<IncomingEvent> events, AppendResult.Conflicted conflicted) {
        for (int i = events.size() - 1; i > 0; i--) {
            if (events.get(i).key().equals(conflicted.key())) {
                return i;
            }
        }
        return 0;
    }
}
