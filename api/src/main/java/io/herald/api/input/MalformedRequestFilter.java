package io.herald.api.input;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.RequestPath;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriComponentsBuilder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.herald.api.problem.ProblemWriter;

/**
 * Refuses a malformed request before anything else — authentication, rate limits, parameter parsing,
 * body reading — meets it, with one log line and no stack trace: a query string too long (414) or
 * badly escaped (400), a request URL that the forwarding headers made unparseable (400), a wildcard
 * {@code Content-Type} (415), and a direct request for the internal error page (404). A blank {@code Accept}
 * header is read as none.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class MalformedRequestFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(MalformedRequestFilter.class);
    private static final String ERROR_PATH = "/error";

    private final int maxQueryLength;
    /**
     * Request URLs (as the forwarding headers make them) already found parseable: the same URL comes again and
     * again (every publish has one), and parsing it on every request took 1.8 % of the CPU of single publishes.
     * Bounded, so that a caller sending ever new URLs only evicts them.
     */
    private final Cache<String, Boolean> parseableUrls = Caffeine.newBuilder().maximumSize(10_000).build();

    MalformedRequestFilter(InputProperties properties) {
        this.maxQueryLength = properties.maxQueryLength();
    }

    /** Tomcat's own error answers are dispatched to the error page, and that dispatch parses the URL again. */
    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    @Override
    protected void doFilterNestedErrorDispatch(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        errorDispatch(request, response, chain);
    }

    private void errorDispatch(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (parseable(request)) {
            chain.doFilter(request, response);
            return;
        }
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus known = status instanceof Integer code ? HttpStatus.resolve(code) : null;
        refuse(request, response, known != null && known.is4xxClientError() ? known : HttpStatus.BAD_REQUEST,
                "malformed-request", "the request could not be read, and its URL is malformed");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getDispatcherType() == DispatcherType.ERROR) {
            errorDispatch(request, response, chain);
            return;
        }
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
        if (!parseable(request)) {
            refuse(request, response, HttpStatus.BAD_REQUEST, "malformed-request",
                    "the request URL is malformed (as sent, or as the X-Forwarded-* or Forwarded headers make it)");
            return;
        }
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType != null && isWildcard(contentType)) {
            refuse(request, response, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                    "Content-Type must name one media type, not a wildcard, but was " + QueryStrings.printable(contentType, 100));
            return;
        }
        if (ERROR_PATH.equals(request.getRequestURI())) {
            // Spring's error page answers a request of its own with status 999, a 500
            refuse(request, response, HttpStatus.NOT_FOUND, "not-found", "there is nothing at " + ERROR_PATH);
            return;
        }
        chain.doFilter(blankAccept(request) ? new WithoutAccept(request) : request, response);
    }

    /** An {@code Accept} header sent empty: an empty list of media ranges, read as no preference, as if absent. */
    private static boolean blankAccept(HttpServletRequest request) {
        Enumeration<String> accept = request.getHeaders(HttpHeaders.ACCEPT);
        if (accept == null || !accept.hasMoreElements()) {
            return false;
        }
        while (accept.hasMoreElements()) {
            if (!accept.nextElement().isBlank()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The request without its (blank) {@code Accept} header. Spring Boot's Prometheus endpoint failed with a
     * {@code NullPointerException} on a blank one, a 500 (found by {@code HttpApiFuzzIT}).
     */
    private static final class WithoutAccept extends HttpServletRequestWrapper {

        WithoutAccept(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            return HttpHeaders.ACCEPT.equalsIgnoreCase(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return HttpHeaders.ACCEPT.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                    .filter(name -> !HttpHeaders.ACCEPT.equalsIgnoreCase(name)).toList());
        }
    }

    /** What Spring parses later — the path for handler mapping, the full URL for links and challenges — parses now. */
    private boolean parseable(HttpServletRequest request) {
        String url = request.getRequestURL().toString(); // the request's path is its end
        if (parseableUrls.getIfPresent(url) != null) {
            return true;
        }
        try {
            RequestPath.parse(request.getRequestURI(), request.getContextPath());
            UriComponentsBuilder.fromUriString(url).build();
        } catch (IllegalArgumentException e) {
            return false;
        }
        parseableUrls.put(url, Boolean.TRUE);
        return true;
    }

    private static boolean isWildcard(String contentType) {
        try {
            return MediaType.parseMediaType(contentType).isWildcardType() || MediaType.parseMediaType(contentType).isWildcardSubtype();
        } catch (InvalidMediaTypeException e) {
            return false; // Spring answers an unparseable Content-Type with 415 itself
        }
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String code,
            String detail) throws IOException {
        log.info("Answered {} {} to {} {}: {}", status.value(), code, QueryStrings.printable(request.getMethod(), 20),
                QueryStrings.printable(request.getRequestURI(), 200), detail);
        ProblemWriter.write(response, status, code, detail);
    }
}
