package io.herald.api.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import io.herald.api.problem.ProblemWriter;

/**
 * 401 and 403 in Herald's one error shape: Spring's bearer-token handlers set the status and the
 * {@code WWW-Authenticate} challenge (RFC 6750), then a problem-details body says what is missing.
 */
final class ProblemResponses {

    private ProblemResponses() {
    }

    static AuthenticationEntryPoint unauthorized() {
        var bearer = new BearerTokenAuthenticationEntryPoint();
        return (request, response, exception) -> {
            bearer.commence(request, response, exception);
            write(response, HttpStatus.UNAUTHORIZED, "unauthorized",
                    "a valid bearer token is required: " + exception.getMessage());
        };
    }

    static AccessDeniedHandler forbidden() {
        var bearer = new BearerTokenAccessDeniedHandler();
        return (request, response, exception) -> {
            bearer.handle(request, response, exception);
            write(response, HttpStatus.FORBIDDEN, "forbidden",
                    "the token lacks the scope " + request.getMethod() + " " + request.getRequestURI() + " needs");
        };
    }

    static void write(HttpServletResponse response, HttpStatus status, String code, String detail) throws IOException {
        ProblemWriter.write(response, status, code, detail);
    }
}
