package io.herald.api.problem;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import io.herald.store.FieldError;
import io.herald.store.InvalidEventException;
import io.herald.store.StoreUnavailableException;
import io.herald.store.UnknownPositionException;
import io.herald.subscriptions.InvalidSubscriptionException;
import io.herald.subscriptions.SubscriptionLimitException;

/**
 * Turns every failure into problem details. Bad input is a 4xx that names the field; only a
 * fault of Herald's own is a 5xx, and an unavailable database is a 503 worth retrying.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(InvalidEventException.class)
    ResponseEntity<ProblemDetail> invalidEvent(InvalidEventException e) {
        HttpStatus status = e.tooLarge() ? HttpStatus.CONTENT_TOO_LARGE : HttpStatus.BAD_REQUEST;
        String code = e.tooLarge() ? "event-too-large" : "invalid-event";
        return ResponseEntity.status(status).body(ApiProblem.of(status, code, e.getMessage(), e.errors()));
    }

    @ExceptionHandler(BadRequestException.class)
    ResponseEntity<ProblemDetail> badRequest(BadRequestException e) {
        return ResponseEntity.badRequest().body(ApiProblem.of(HttpStatus.BAD_REQUEST, e.code(), e.getMessage(), e.errors()));
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(PayloadTooLargeException e) {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                .body(ApiProblem.of(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", e.getMessage()));
    }

    @ExceptionHandler(EventConflictException.class)
    ResponseEntity<ProblemDetail> conflict(EventConflictException e) {
        return ResponseEntity.status(HttpStatus.CONFLICT)
                .body(ApiProblem.of(HttpStatus.CONFLICT, "event-conflict", e.getMessage(), e.errors()));
    }

    @ExceptionHandler(InvalidSubscriptionException.class)
    ResponseEntity<ProblemDetail> invalidSubscription(InvalidSubscriptionException e) {
        return ResponseEntity.badRequest()
                .body(ApiProblem.of(HttpStatus.BAD_REQUEST, "invalid-subscription", e.getMessage(), e.errors()));
    }

    /** 409: the request is sound but conflicts with what the consumer has already; deleting one makes room. */
    @ExceptionHandler(SubscriptionLimitException.class)
    ResponseEntity<ProblemDetail> subscriptionLimit(SubscriptionLimitException e) {
        ProblemDetail problem = ApiProblem.of(HttpStatus.CONFLICT, "subscription-limit", e.getMessage());
        problem.setProperty("limit", e.limit());
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    /** 403: the caller is who it says, but may not read what it asked for (party rights, docs/adr/0008-authorization.md). */
    @ExceptionHandler(io.herald.subscriptions.access.AccessDeniedException.class)
    ResponseEntity<ProblemDetail> accessDenied(io.herald.subscriptions.access.AccessDeniedException e) {
        return ResponseEntity.status(HttpStatus.FORBIDDEN).body(ApiProblem.of(HttpStatus.FORBIDDEN, "forbidden", e.getMessage()));
    }

    @ExceptionHandler(io.herald.subscriptions.access.InvalidDelegationException.class)
    ResponseEntity<ProblemDetail> invalidDelegation(io.herald.subscriptions.access.InvalidDelegationException e) {
        return ResponseEntity.badRequest().body(ApiProblem.of(HttpStatus.BAD_REQUEST, "invalid-delegation", e.getMessage(),
                List.of(new FieldError(e.field(), e.getMessage().substring(e.field().length() + 1)))));
    }

    /**
     * A code that could not be confirmed or sent: 400 for a wrong one (with the tries left), 409
     * when none is open or the subscription is not waiting for one, 429 with {@code Retry-After}
     * when a new one was asked for too soon.
     */
    @ExceptionHandler(io.herald.dispatcher.SmsSubscriptions.SmsVerificationException.class)
    ResponseEntity<ProblemDetail> smsVerification(io.herald.dispatcher.SmsSubscriptions.SmsVerificationException e) {
        return switch (e.kind()) {
            case WRONG_CODE -> {
                ProblemDetail problem = ApiProblem.of(HttpStatus.BAD_REQUEST, "wrong-code", e.getMessage(),
                        List.of(new FieldError("code", e.getMessage())));
                if (e.triesLeft() >= 0) {
                    problem.setProperty("triesLeft", e.triesLeft());
                }
                yield ResponseEntity.badRequest().body(problem);
            }
            case NO_CODE -> ResponseEntity.status(HttpStatus.CONFLICT)
                    .body(ApiProblem.of(HttpStatus.CONFLICT, "no-open-code", e.getMessage()));
            case NOT_PENDING -> ResponseEntity.status(HttpStatus.CONFLICT)
                    .body(ApiProblem.of(HttpStatus.CONFLICT, "not-pending-verification", e.getMessage()));
            case TOO_SOON -> ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())))
                    .body(ApiProblem.of(HttpStatus.TOO_MANY_REQUESTS, "code-resend-too-soon", e.getMessage()));
        };
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<ProblemDetail> notFound(NotFoundException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", e.getMessage()));
    }

    @ExceptionHandler(StoreUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(StoreUnavailableException e) {
        // one line, no stack trace: while the database is down every request would log one
        log.warn("Answering 503: {} ({})", e.getMessage(), e.getCause() == null ? "no cause" : e.getCause().toString());
        return unavailable(e.getMessage());
    }

    /**
     * The database cannot be reached (no connection within the pool's connection timeout, or it
     * failed mid-way) wherever that shows — subscriptions, deliveries, delegations: 503 with
     * {@code Retry-After}, never a 500; the client tries again once the database is back.
     */
    @ExceptionHandler({org.springframework.dao.DataAccessResourceFailureException.class,
            org.springframework.dao.TransientDataAccessException.class,
            org.springframework.transaction.CannotCreateTransactionException.class})
    ResponseEntity<ProblemDetail> databaseUnavailable(Exception e) {
        log.warn("Answering 503: the database cannot be reached ({})", e.toString());
        return unavailable("the database cannot be reached; try again shortly");
    }

    private static ResponseEntity<ProblemDetail> unavailable(String message) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(ApiProblem.of(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", message));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        String message = "has an invalid value '" + e.getValue() + "'";
        return ResponseEntity.badRequest().body(ApiProblem.of(HttpStatus.BAD_REQUEST, "invalid-parameter",
                e.getName() + " " + message, List.of(new FieldError(e.getName(), message))));
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ResponseEntity<ProblemDetail> missingHeader(MissingRequestHeaderException e) {
        return ResponseEntity.badRequest().body(ApiProblem.of(HttpStatus.BAD_REQUEST, "missing-header",
                "the header " + e.getHeaderName() + " is required", List.of(new FieldError(e.getHeaderName(), "is required"))));
    }

    // Malformed requests and cursors Herald never issued: 4xx with one log line, no stack trace
    // (docs/api.md, "Errors"; docs/adr/0014-cursor-from-another-log.md).

    /** A cursor from another database: 400 that says so, rather than an empty page with the same next for ever. */
    @ExceptionHandler(UnknownPositionException.class)
    ResponseEntity<ProblemDetail> unknownCursor(UnknownPositionException e) {
        log.info("Answered 400 unknown-cursor: {}", e.getMessage());
        return ResponseEntity.badRequest().body(ApiProblem.of(HttpStatus.BAD_REQUEST, "unknown-cursor", e.getMessage(),
                List.of(new FieldError("after", "was not issued by this Herald"))));
    }

    /** Tomcat could not decode a request parameter (a form body's, say): the query string itself is checked earlier. */
    @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
    ResponseEntity<ProblemDetail> undecodableParameter(org.apache.tomcat.util.http.InvalidParameterException e) {
        log.info("Answered 400 malformed-query: {}", e.getMessage());
        return ResponseEntity.badRequest().body(ApiProblem.of(HttpStatus.BAD_REQUEST, "malformed-query",
                "a request parameter could not be decoded: percent-escapes must be complete and the text UTF-8"));
    }

    @ExceptionHandler(UriTooLongException.class)
    ResponseEntity<ProblemDetail> uriTooLong(UriTooLongException e) {
        log.info("Answered 414 uri-too-long: {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.URI_TOO_LONG).body(ApiProblem.of(HttpStatus.URI_TOO_LONG, "uri-too-long", e.getMessage()));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("Unexpected failure", e);
        return ResponseEntity.internalServerError()
                .body(ApiProblem.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Herald failed to handle the request; it has been logged"));
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return ResponseEntity.badRequest().body(ApiProblem.of(HttpStatus.BAD_REQUEST, "missing-parameter",
                "the query parameter " + e.getParameterName() + " is required",
                List.of(new FieldError(e.getParameterName(), "is required"))));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return ResponseEntity.badRequest().body(ApiProblem.of(HttpStatus.BAD_REQUEST, "malformed-body",
                "the request body could not be read: " + rootMessage(e)));
    }

    /** Bodies Herald does not take (multipart, forms, text, …) are never parsed: 415 and one log line. */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        log.info("Answered 415 unsupported-media-type to {}: {}", request.getDescription(false), e.getMessage());
        return super.handleHttpMediaTypeNotSupported(e, headers, status, request);
    }

    /** A client that accepts no answer Herald gives (JSON): 406 and one log line, before anything is published. */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(HttpMediaTypeNotAcceptableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        log.info("Answered 406 not-acceptable to {}: {}", request.getDescription(false), e.getMessage());
        return super.handleHttpMediaTypeNotAcceptable(e, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
            WebRequest request) {
        if (body instanceof ProblemDetail problem && problem.getProperties() == null) {
            String code = HttpStatus.resolve(statusCode.value()) == null ? "error"
                    : HttpStatus.valueOf(statusCode.value()).name().toLowerCase().replace('_', '-');
            problem.setProperty("code", code);
        }
        return super.createResponseEntity(body, headers, statusCode, request);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
