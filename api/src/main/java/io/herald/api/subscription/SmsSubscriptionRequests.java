package io.herald.api.subscription;

import java.util.ArrayList;
import java.util.List;

import io.herald.store.FieldError;
import io.herald.subscriptions.InvalidSubscriptionException;
import io.herald.subscriptions.NewSubscription;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the SMS half of a create request: {@code "channel": "sms"} and {@code phoneNumber} (E.164)
 * in place of {@code endPoint}. The rest of the body is read as for a webhook.
 */
final class SmsSubscriptionRequests {

    static final String CHANNEL = "channel";
    static final String PHONE_NUMBER = "phoneNumber";

    /** The subscription asked for, and the number to text. */
    record Parsed(NewSubscription request, String phoneNumber) {

        @Override
        public String toString() {
            return "Parsed[request=" + request + ", phoneNumber=(not shown)]";
        }
    }

    private SmsSubscriptionRequests() {
    }

    /**
     * @return null when the body asks for no SMS (neither {@code channel: sms} nor {@code phoneNumber})
     * @throws InvalidSubscriptionException naming what is missing, malformed or in conflict
     */
    static Parsed read(JsonNode body) {
        if (!body.isObject()) {
            return null;
        }
        JsonNode channel = body.get(CHANNEL);
        JsonNode number = body.get(PHONE_NUMBER);
        boolean sms = channel != null && channel.isString() && channel.stringValue().equals("sms");
        if (!sms && number == null) {
            if (channel != null && !(channel.isString() && List.of("webhook", "web-push").contains(channel.stringValue()))) {
                throw new InvalidSubscriptionException(List.of(new FieldError(CHANNEL,
                        "must be sms (with phoneNumber), or left out for a webhook (endPoint) or Web Push (pushSubscription)")));
            }
            return null;
        }
        var errors = new ArrayList<FieldError>();
        if (!sms) {
            errors.add(new FieldError(CHANNEL, "must be sms when phoneNumber is given"));
        }
        if (number == null || !number.isString()) {
            errors.add(new FieldError(PHONE_NUMBER, "is required for an SMS subscription and must be a string: the E.164 number "
                    + "(e.g. +4791234567)"));
        }
        if (body.has(PushSubscriptionRequests.MEMBER)) {
            errors.add(new FieldError(PushSubscriptionRequests.MEMBER, "must not be sent with an SMS subscription: a "
                    + "subscription has exactly one channel"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidSubscriptionException(errors);
        }
        ObjectNode rest = ((ObjectNode) body).deepCopy();
        rest.remove(CHANNEL);
        rest.remove(PHONE_NUMBER);
        return new Parsed(SubscriptionRequests.read(rest), number.stringValue().strip());
    }
}
