package io.herald.dispatcher.internal;

import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.herald.dispatcher.DeliveryOutcome;
import io.herald.dispatcher.SmsProperties;
import io.herald.dispatcher.SmsSubscriptions;
import io.herald.subscriptions.DeliveryTarget;
import io.herald.subscriptions.InvalidSubscriptionException;
import io.herald.subscriptions.NewSubscription;
import io.herald.subscriptions.PhoneNumbers;
import io.herald.subscriptions.SmsConfirmation;
import io.herald.subscriptions.Subscription;
import io.herald.subscriptions.SubscriptionId;
import io.herald.subscriptions.SubscriptionService;
import io.herald.subscriptions.access.Caller;

/**
 * {@link SmsSubscriptions} with a gateway ({@code sender}), or without one (null: nothing can be
 * created, inbound messages are refused as forged since nothing could sign them).
 */
final class SmsSubscriptionService implements SmsSubscriptions {

    private static final Logger log = LoggerFactory.getLogger(SmsSubscriptionService.class);
    /** What people text to stop messages: the words gateways and carriers treat as opting out. */
    static final Set<String> STOP_WORDS = Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT");
    static final String STOPPED_REASON = "the number replied STOP: nothing more is texted to it; resume the subscription and "
            + "confirm a new code on the phone to start again";

    private final SubscriptionService subscriptions;
    private final SmsProperties settings;
    private final SmsSender sender;
    private final SmsMessages messages;
    private final SecureRandom random = new SecureRandom();

    private final EndpointHealth health;

    SmsSubscriptionService(SubscriptionService subscriptions, SmsProperties settings, SmsSender sender, EndpointHealth health) {
        this.health = health;
        this.subscriptions = subscriptions;
        this.settings = settings;
        this.sender = sender;
        this.messages = new SmsMessages(settings);
    }

    @Override
    public boolean enabled() {
        return sender != null;
    }

    @Override
    public Created create(NewSubscription request, String phoneNumber, Caller caller, String createdBy) {
        if (!enabled()) {
            throw new InvalidSubscriptionException(List.of(new io.herald.store.FieldError("channel",
                    "SMS is not configured on this Herald (herald.sms.gateway)")));
        }
        var created = subscriptions.createSms(request, phoneNumber, caller, createdBy);
        boolean sent = textCode(created.subscription().id(), phoneNumber);
        return new Created(created, sent);
    }

    @Override
    public Optional<Subscription> confirm(String consumer, SubscriptionId id, String code) {
        Optional<Subscription> found = pending(consumer, id);
        if (found.isEmpty()) {
            return found;
        }
        if (code == null || !code.strip().matches("[0-9]{6}")) {
            throw new SmsVerificationException(SmsVerificationException.Kind.WRONG_CODE, "code must be the 6 digits texted to "
                    + "the number", -1, null);
        }
        SmsConfirmation confirmation = subscriptions.confirmSmsCode(id, code.strip());
        if (confirmation instanceof SmsConfirmation.Verified verified) {
            return Optional.of(verified.subscription());
        }
        if (confirmation instanceof SmsConfirmation.Wrong wrong) {
            throw new SmsVerificationException(SmsVerificationException.Kind.WRONG_CODE, wrong.triesLeft() == 0
                    ? "the code does not match, and that was its last try: ask for a new one"
                    : "the code does not match; " + wrong.triesLeft() + (wrong.triesLeft() == 1 ? " try" : " tries") + " left",
                    wrong.triesLeft(), null);
        }
        throw new SmsVerificationException(SmsVerificationException.Kind.NO_CODE, ((SmsConfirmation.Void) confirmation).reason(),
                0, null);
    }

    @Override
    public Optional<Boolean> resend(String consumer, SubscriptionId id) {
        Optional<Subscription> found = pending(consumer, id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (!enabled()) {
            throw new SmsVerificationException(SmsVerificationException.Kind.NOT_PENDING,
                    "SMS is not configured on this Herald (herald.sms.gateway)", 0, null);
        }
        String number = subscriptions.smsPhoneNumber(id).orElseThrow(() -> new SmsVerificationException(
                SmsVerificationException.Kind.NOT_PENDING, "the subscription's number cannot be read", 0, null));
        return Optional.of(textCode(id, number));
    }

    /** The consumer's SMS subscription, still to be verified (empty: no such subscription of the consumer's). */
    private Optional<Subscription> pending(String consumer, SubscriptionId id) {
        Optional<Subscription> found = subscriptions.get(consumer, id);
        if (found.isEmpty()) {
            return found;
        }
        if (subscriptions.channels(List.of(id)).get(id) != DeliveryTarget.Channel.SMS) {
            throw new SmsVerificationException(SmsVerificationException.Kind.NOT_PENDING,
                    "the subscription is no SMS subscription: only a phone number is verified by a code", 0, null);
        }
        if (found.get().validated()) {
            throw new SmsVerificationException(SmsVerificationException.Kind.NOT_PENDING, "the number is verified already", 0, null);
        }
        return found;
    }

    /** Opens a new code and texts it; false when the gateway did not take it (the code is dropped, so another may be asked for). */
    private boolean textCode(SubscriptionId id, String number) {
        String code = String.format(Locale.ROOT, "%06d", random.nextInt(1_000_000));
        var verification = settings.verification();
        Optional<java.time.Duration> wait = subscriptions.openSmsCode(id, code, verification.codeTtl(), verification.maxTries(),
                verification.resendInterval());
        if (wait.isPresent()) {
            throw new SmsVerificationException(SmsVerificationException.Kind.TOO_SOON, "a code was sent less than "
                    + verification.resendInterval() + " ago; ask again in " + wait.get().toSeconds() + " s", 0, wait.get());
        }
        DeliveryOutcome outcome = sender.send(number, messages.code(code));
        if (outcome instanceof DeliveryOutcome.Delivered) {
            log.info("Subscription {}: verification code texted to {}", id, PhoneNumbers.mask(number));
            return true;
        }
        subscriptions.dropSmsCode(id);
        log.warn("Subscription {}: the verification code could not be texted to {}: {}", id, PhoneNumbers.mask(number),
                outcome.summary());
        return false;
    }

    @Override
    public Inbound inbound(String url, Map<String, List<String>> form, Map<String, String> headers) {
        if (!enabled() || !sender.gateway().authentic(url, form, headers)) {
            log.warn("An inbound SMS webhook request was refused: its signature does not verify");
            return Inbound.FORGED;
        }
        var reply = sender.gateway().reply(form);
        if (reply.isEmpty() || !PhoneNumbers.isE164(reply.get().from())
                || !STOP_WORDS.contains(reply.get().body().strip().toUpperCase(Locale.ROOT))) {
            return Inbound.IGNORED;
        }
        Map<SubscriptionId, String> stopped = subscriptions.stopSms(reply.get().from(), STOPPED_REASON);
        log.info("{} replied STOP: {} SMS subscriptions ended", PhoneNumbers.mask(reply.get().from()), stopped.size());
        stopped.forEach((id, owner) -> {
            try {
                // as for a webhook's 410: the owner reads a platform.events.subscription.disabled event
                health.tellDisabled(id, owner, STOPPED_REASON);
            } catch (RuntimeException e) {
                log.warn("Could not tell the owner of subscription {} that it was disabled: {}", id, e.toString());
            }
        });
        return Inbound.STOPPED;
    }
}
