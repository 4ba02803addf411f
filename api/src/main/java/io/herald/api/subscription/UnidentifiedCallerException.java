package io.herald.api.subscription;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/** A token without a subject: it says nobody Herald could hold responsible for a subscription. Answered with 403. */
class UnidentifiedCallerException extends ResponseStatusException {

    UnidentifiedCallerException(String identityClaim) {
        super(HttpStatus.FORBIDDEN, "sub".equals(identityClaim)
                ? "the token names no subject (sub), so Herald cannot tell whose subscriptions these are"
                : "the token has no " + identityClaim + " claim, which names the caller here, so Herald cannot tell whose "
                        + "subscriptions these are");
    }
}
