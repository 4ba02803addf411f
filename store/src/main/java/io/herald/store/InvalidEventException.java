package io.herald.store;

import java.util.List;
import java.util.stream.Collectors;

/** An event broke the CloudEvents 1.0 rules or Herald's limits; {@link #errors()} names every bad field. */
public class InvalidEventException extends RuntimeException {

    private final List<FieldError> errors;
    private final boolean tooLarge;

    public InvalidEventException(List<FieldError> errors, boolean tooLarge) {
        super(errors.stream().map(e -> e.field().isEmpty() ? e.message() : e.field() + ": " + e.message())
                .collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
        this.tooLarge = tooLarge;
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** True when the event was refused for its size alone. */
    public boolean tooLarge() {
        return tooLarge;
    }

    /** The same errors, each field prefixed (for example with the event's index in a batch). */
    public InvalidEventException withPrefix(String prefix) {
        return new InvalidEventException(errors.stream().map(e -> e.withPrefix(prefix)).toList(), tooLarge);
    }
}
