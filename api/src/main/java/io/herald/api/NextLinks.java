package io.herald.api;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import io.herald.api.problem.UriTooLongException;

/**
 * The cursor to a paged answer's next page: this request's URL with {@code after} replaced, in
 * the {@code next} header (what the platform's clients read) and an RFC 8288 {@code Link} header.
 */
public final class NextLinks {

    public static final String NEXT_HEADER = "next";

    /**
     * The longest URL echoed: twice that, with the other headers, stays inside Tomcat's default 8 KB
     * for response headers, so a long host name or path can never make the answer fail after the page
     * was read (the query string alone is bounded earlier, by {@code herald.input.max-query-length}).
     */
    static final int MAX_URL_LENGTH = 3200;

    private NextLinks() {
    }

    /** A 200 whose next page starts after {@code after}. */
    public static ResponseEntity.BodyBuilder ok(String after) {
        return ok("after", after);
    }

    /** A 200 whose next page is this request with the query parameter {@code cursor} set to {@code value}. */
    public static ResponseEntity.BodyBuilder ok(String cursor, String value) {
        String next = ServletUriComponentsBuilder.fromCurrentRequest()
                .replaceQueryParam(cursor, value)
                .build()
                .toUriString();
        if (next.length() > MAX_URL_LENGTH) {
            throw new UriTooLongException("the URL of the next page would be " + next.length() + " characters, more than the "
                    + MAX_URL_LENGTH + " that fit in the next and Link headers: shorten the query or the host name");
        }
        return ResponseEntity.ok()
                .header(NEXT_HEADER, next)
                .header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"");
    }
}
