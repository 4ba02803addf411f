package io.herald.store;

/** What is wrong with one field of the input, named by its path (for example {@code [2].source}). */
public record FieldError(String field, String message) {

    public FieldError withPrefix(String prefix) {
        return new FieldError(field.isEmpty() ? prefix : prefix + "." + field, message);
    }
}
