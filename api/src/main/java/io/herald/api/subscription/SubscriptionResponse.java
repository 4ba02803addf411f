package io.herald.api.subscription;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.herald.subscriptions.CreatedSubscription;
import io.herald.subscriptions.DeliveryTarget;
import io.herald.subscriptions.Subscription;
import io.herald.subscriptions.SubscriptionFilter;

/**
 * A subscription as the API shows it: first the platform's members, as its clients read them
 * ({@code validated} is a boolean there), then Herald's. {@code secret} is there only in the answer
 * to its creation; {@code validatedAt} is when the endpoint answered the handshake, and until then
 * {@code handshake} says how it is going (attempts, last failure, next attempt);
 * {@code disabledReason} says why Herald turned it off (status {@code disabled}); {@code pushContentType}
 * is the {@code Content-Type} of its pushes and {@code allowedRate} the requests per minute its
 * endpoint allowed in the CloudEvents web hook handshake (absent: no limit). An SMS subscription
 * ({@code channel: sms}) shows its number masked as {@code phoneNumber} (and {@code endPoint}
 * {@code sms:+47*****567}), and in the answer to its creation {@code codeSent}: whether the
 * verification code was texted.
 */
public record SubscriptionResponse(
        long id,
        String endPoint,
        String sourceFilter,
        String resourceFilter,
        String subjectFilter,
        String alternativeSubjectFilter,
        String typeFilter,
        String consumer,
        String createdBy,
        Instant created,
        boolean validated,
        boolean includeSubunits,
        boolean orderedDelivery,
        String pushContentType,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer allowedRate,
        String status,
        Instant validatedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String disabledReason,
        @JsonInclude(JsonInclude.Include.NON_NULL) Handshake handshake,
        @JsonInclude(JsonInclude.Include.NON_NULL) String secret,
        @JsonInclude(JsonInclude.Include.NON_NULL) String channel,
        @JsonInclude(JsonInclude.Include.NON_NULL) String phoneNumber,
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean codeSent) {

    /** How the validation handshake is going; shown until the subscription is validated. */
    public record Handshake(int attempts, String lastError, Instant nextAttempt) {
    }

    static SubscriptionResponse of(Subscription subscription) {
        return of(subscription, null, null);
    }

    static SubscriptionResponse of(CreatedSubscription created) {
        return of(created.subscription(), created.secret(), null);
    }

    /** With the channel it is told through ({@code webhook}, {@code web-push} or {@code sms}). */
    static SubscriptionResponse of(Subscription subscription, DeliveryTarget.Channel channel) {
        return of(subscription, null, channel);
    }

    static SubscriptionResponse of(CreatedSubscription created, DeliveryTarget.Channel channel) {
        return of(created.subscription(), created.secret(), channel);
    }

    /** A new SMS subscription: no secret (nothing is signed for a phone), and whether the code was texted. */
    static SubscriptionResponse ofSms(Subscription subscription, boolean codeSent) {
        return of(subscription, null, DeliveryTarget.Channel.SMS, codeSent);
    }

    private static SubscriptionResponse of(Subscription subscription, String secret, DeliveryTarget.Channel channel) {
        return of(subscription, secret, channel, null);
    }

    private static SubscriptionResponse of(Subscription subscription, String secret, DeliveryTarget.Channel channel,
            Boolean codeSent) {
        SubscriptionFilter filter = subscription.filter();
        return new SubscriptionResponse(subscription.id().value(), subscription.endpoint().toString(), filter.sourcePrefix(),
                filter.resource(), filter.subject(), filter.alternativeSubject(), filter.type(), subscription.consumer(),
                subscription.createdBy(), subscription.createdAt(), subscription.validated(), filter.includeSubunits(),
                subscription.orderedDelivery(), subscription.push().contentType().mediaType(), subscription.push().allowedRate(),
                subscription.status(), subscription.validatedAt(), subscription.disabledReason(),
                channel == DeliveryTarget.Channel.SMS ? null : handshake(subscription),
                channel == DeliveryTarget.Channel.SMS ? null : secret, channel == null ? null : channel.externalName(),
                // an SMS subscription's end_point holds only the masked number: sms:+47*****567
                channel == DeliveryTarget.Channel.SMS ? subscription.endpoint().getSchemeSpecificPart() : null, codeSent);
    }

    private static Handshake handshake(Subscription subscription) {
        if (subscription.validated()) {
            return null;
        }
        Subscription.Handshake state = subscription.handshake();
        return new Handshake(state.attempts(), state.lastError(), state.nextAttemptAt());
    }

    @Override
    public String toString() {
        return "SubscriptionResponse[id=" + id + ", status=" + status + (secret == null ? "" : ", secret=(not shown)") + "]";
    }
}
