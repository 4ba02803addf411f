package io.herald.subscriptions;

/** What confirming a code texted to an SMS subscription's number came to. */
public sealed interface SmsConfirmation {

    /** The code was right: the subscription is validated, events of later transactions reach the number. */
    record Verified(Subscription subscription) implements SmsConfirmation {
    }

    /** The code was wrong; {@code triesLeft} more may be made with this code (0: it is void now). */
    record Wrong(int triesLeft) implements SmsConfirmation {
    }

    /** No code is open: none was sent, it expired, or its tries were used up. A new one must be asked for. */
    record Void(String reason) implements SmsConfirmation {
    }
}
