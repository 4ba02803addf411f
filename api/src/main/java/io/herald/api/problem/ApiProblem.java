package io.herald.api.problem;

import java.net.URI;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import io.herald.store.FieldError;

/**
 * Builds Herald's one error shape: RFC 9457 problem details with a stable {@code code} (also the
 * last segment of {@code type}) and, where input was wrong, {@code errors} naming each field.
 */
public final class ApiProblem {

    private static final String TYPE_PREFIX = "https://herald.dev/problems/";

    private ApiProblem() {
    }

    public static ProblemDetail of(HttpStatus status, String code, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_PREFIX + code));
        problem.setTitle(status.getReasonPhrase());
        problem.setProperty("code", code);
        return problem;
    }

    public static ProblemDetail of(HttpStatus status, String code, String detail, List<FieldError> errors) {
        ProblemDetail problem = of(status, code, detail);
        problem.setProperty("errors", errors);
        return problem;
    }
}
