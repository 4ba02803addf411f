package io.herald.api.input;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import io.herald.api.problem.ProblemWriter;

/**
 * Refuses a request whose query string is too long (414) or malformed (400) before anything else —
 * authentication, rate limits, parameter parsing — reads it, with one log line and no stack trace.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class RequestLineFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(RequestLineFilter.class);

    private final int maxQueryLength;

    RequestLineFilter(InputProperties properties) {
        this.maxQueryLength = properties.maxQueryLength();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String query = request.getQueryString();
        if (query != null && query.length() > maxQueryLength) {
            refuse(request, response, HttpStatus.URI_TOO_LONG, "uri-too-long", "the query string may be at most "
                    + maxQueryLength + " characters but was " + query.length());
            return;
        }
        String problem = QueryStrings.problem(query);
        if (problem != null) {
            refuse(request, response, HttpStatus.BAD_REQUEST, "malformed-query", "the query string is malformed: " + problem);
            return;
        }
        chain.doFilter(request, response);
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String code,
            String detail) throws IOException {
        log.info("Answered {} {} to {} {}: {}", status.value(), code, request.getMethod(),
                QueryStrings.printable(request.getRequestURI(), 200), detail);
        ProblemWriter.write(response, status, code, detail);
    }
}
