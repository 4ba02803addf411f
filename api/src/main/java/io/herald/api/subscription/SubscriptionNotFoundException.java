package io.herald.api.subscription;

import io.herald.api.problem.NotFoundException;
import io.herald.subscriptions.SubscriptionId;

/** The caller has no subscription by that id: it does not exist or is another consumer's. Answered with 404. */
public class SubscriptionNotFoundException extends NotFoundException {

    public SubscriptionNotFoundException(SubscriptionId id) {
        super("there is no subscription " + id);
    }
}
