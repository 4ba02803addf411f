package io.herald.dispatcher;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.herald.subscriptions.CreatedSubscription;
import io.herald.subscriptions.NewSubscription;
import io.herald.subscriptions.Subscription;
import io.herald.subscriptions.SubscriptionId;
import io.herald.subscriptions.access.Caller;

/**
 * SMS subscriptions as their owners manage them: created with a phone number, confirmed with the
 * code texted to it, and ended by the number itself replying STOP through the gateway's inbound
 * webhook. See docs/adr/0018-sms-channel.md.
 */
public interface SmsSubscriptions {

    /** True when a gateway is configured ({@code herald.sms.gateway}), so SMS subscriptions can be made. */
    boolean enabled();

    /**
     * Stores the subscription, pending, and texts a new code to the number.
     *
     * @return the subscription, and whether the code's text went out (if not, the owner asks for another)
     */
    Created create(NewSubscription request, String phoneNumber, Caller caller, String createdBy);

    /** A new SMS subscription and whether its code was texted. */
    record Created(CreatedSubscription subscription, boolean codeSent) {
    }

    /**
     * Checks the code the owner typed in: the right one validates the subscription.
     *
     * @return the validated subscription; empty when the consumer has no such subscription
     * @throws SmsVerificationException for a wrong code, no open code, or a subscription that is no SMS one or verified already
     */
    Optional<Subscription> confirm(String consumer, SubscriptionId id, String code);

    /**
     * Texts a new code (the old one is void), at most one per {@code herald.sms.verification.resend-interval}.
     *
     * @return true when sent, false when the gateway did not take it; empty when the consumer has no such subscription
     * @throws SmsVerificationException when asked too soon, or for a subscription that is no SMS one or verified already
     */
    Optional<Boolean> resend(String consumer, SubscriptionId id);

    /**
     * A message to Herald's number through the gateway's inbound webhook: when it is authentic and
     * says STOP (or STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT), every SMS subscription of the sender's
     * number ends.
     *
     * @param url     the URL the request arrived at (gateways sign it)
     * @param form    the form parameters
     * @param headers the request headers, by lower-case name
     */
    Inbound inbound(String url, Map<String, List<String>> form, Map<String, String> headers);

    /** What an inbound message came to. */
    enum Inbound {
        /** Its signature did not verify: nothing was done. */
        FORGED,
        /** It said STOP: the number's SMS subscriptions ended. */
        STOPPED,
        /** Authentic, but nothing Herald acts on. */
        IGNORED
    }

    /** Why a code could not be confirmed or sent. */
    final class SmsVerificationException extends RuntimeException {

        /** What went wrong. */
        public enum Kind {
            /** The code does not match; {@link #triesLeft()} more tries. */
            WRONG_CODE,
            /** No code is open (none, expired, tries used up): ask for a new one. */
            NO_CODE,
            /** A code was sent too recently: {@link #retryAfter()}. */
            TOO_SOON,
            /** The subscription is no SMS subscription, or is verified already. */
            NOT_PENDING
        }

        private final Kind kind;
        private final int triesLeft;
        private final Duration retryAfter;

        public SmsVerificationException(Kind kind, String message, int triesLeft, Duration retryAfter) {
            super(message);
            this.kind = kind;
            this.triesLeft = triesLeft;
            this.retryAfter = retryAfter;
        }

        public Kind kind() {
            return kind;
        }

        public int triesLeft() {
            return triesLeft;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }
}
