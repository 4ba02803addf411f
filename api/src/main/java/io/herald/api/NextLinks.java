package io.herald.api;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The cursor to a paged answer's next page: this request's URL with {@code after} replaced, in
 * the {@code next} header (what the platform's clients read) and an RFC 8288 {@code Link} header.
 */
public final class NextLinks {

    public static final String NEXT_HEADER = "next";

    private NextLinks() {
    }

    /** A 200 whose next page starts after {@code after}. */
    public static ResponseEntity.BodyBuilder ok(String after) {
        String next = ServletUriComponentsBuilder.fromCurrentRequest()
                .replaceQueryParam("after", after)
                .build()
                .toUriString();
        return ResponseEntity.ok()
                .header(NEXT_HEADER, next)
                .header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"");
    }
}
