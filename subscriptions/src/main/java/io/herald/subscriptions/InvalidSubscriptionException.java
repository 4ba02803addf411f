package io.herald.subscriptions;

import java.util.List;
import java.util.stream.Collectors;

import io.herald.store.FieldError;

/** A new subscription broke the rules; {@link #errors()} names every bad field, by its name in the API. */
public class InvalidSubscriptionException extends RuntimeException {

    private final List<FieldError> errors;

    public InvalidSubscriptionException(List<FieldError> errors) {
        super(errors.stream().map(e -> e.field().isEmpty() ? e.message() : e.field() + " " + e.message())
                .collect(Collectors.joining("; ")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("an invalid subscription has at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
