package io.herald.api.problem;

import java.util.List;

import io.herald.store.FieldError;

/** Input that breaks a rule of the API; answered with 400 and the field it concerns. */
public class BadRequestException extends RuntimeException {

    private final String code;
    private final List<FieldError> errors;

    public BadRequestException(String code, String field, String message) {
        super(field.isEmpty() ? message : field + " " + message);
        this.code = code;
        this.errors = List.of(new FieldError(field, message));
    }

    public static BadRequestException invalidParameter(String field, String message) {
        return new BadRequestException("invalid-parameter", field, message);
    }

    public String code() {
        return code;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
