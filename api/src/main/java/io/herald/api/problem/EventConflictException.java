package io.herald.api.problem;

import java.util.List;

import io.herald.store.EventKey;
import io.herald.store.FieldError;

/** An event's (source, id) is stored already with other content; answered with 409. */
public class EventConflictException extends RuntimeException {

    private final List<FieldError> errors;

    public EventConflictException(String field, EventKey key) {
        super("an event with source '" + key.source() + "' and id '" + key.id()
                + "' is stored already with other content; publish it with a new id");
        this.errors = List.of(new FieldError(field, "is stored already with other content"));
    }

    public List<FieldError> errors() {
        return errors;
    }
}
