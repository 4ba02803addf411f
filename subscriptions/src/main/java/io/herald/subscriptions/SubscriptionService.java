package io.herald.subscriptions;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.herald.subscriptions.access.AccessDeniedException;
import io.herald.subscriptions.access.AccessPolicy;
import io.herald.subscriptions.access.AppResource;
import io.herald.subscriptions.access.Caller;
import io.herald.subscriptions.internal.SecretCipher;
import io.herald.subscriptions.internal.SubscriptionRepository;
import io.herald.subscriptions.internal.SubscriptionValidator;

/**
 * Subscriptions as their consumers manage them: create, list, read, pause, resume and delete.
 * Every call is confined to one consumer; another consumer's subscription looks exactly like one
 * that does not exist.
 *
 * <p>{@link SubscriptionCreated} is published after the new subscription is committed, outside
 * any transaction: listen with {@code @EventListener} (a {@code @TransactionalEventListener}
 * would need {@code fallbackExecution}).
 */
@Service
public class SubscriptionService {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionService.class);

    private final SubscriptionRepository repository;
    private final SecretCipher cipher;
    private final SubscriptionValidator validator;
    private final int maxPerConsumer;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final java.time.Duration secretOverlap;
    private final AccessPolicy access;
    private final String webhookOrigin;

    /** Without an access policy: {@link #create(NewSubscription, Caller, String)} is refused; the matcher still checks every push. */
    public SubscriptionService(SubscriptionRepository repository, SecretCipher cipher, SubscriptionsProperties properties,
            ApplicationEventPublisher events, Clock clock) {
        this(repository, cipher, properties, events, clock, null);
    }

    @Autowired
    public SubscriptionService(SubscriptionRepository repository, SecretCipher cipher, SubscriptionsProperties properties,
            ApplicationEventPublisher events, Clock clock, AccessPolicy access) {
        this.access = access;
        this.repository = repository;
        this.cipher = cipher;
        this.validator = new SubscriptionValidator(properties);
        this.maxPerConsumer = properties.maxPerConsumer();
        this.events = events;
        this.clock = clock;
        this.secretOverlap = properties.secretOverlap();
        this.webhookOrigin = properties.validation().webhookOrigin();
    }

    /**
     * Checks and stores a new subscription with a new signing secret, pending validation; or, when
     * the consumer already has an identical one, answers that one (without its secret).
     *
     * @param consumer  who owns it, from the caller's token
     * @param createdBy who asked, from the caller's token
     * @return the subscription and its secret in plain text, which Herald never shows again
     * @throws InvalidSubscriptionException naming every field that breaks a rule
     * @throws SubscriptionLimitException   when the consumer has as many subscriptions as allowed
     */
    public CreatedSubscription create(NewSubscription request, String consumer, String createdBy) {
        requireIdentity(consumer, "consumer");
        requireIdentity(createdBy, "createdBy");
        SubscriptionValidator.Checked checked = validator.check(request);
        return store(checked, request.orderedDelivery(), consumer, createdBy, null);
    }

    /** As {@link #create(NewSubscription, String, String)}, told by Web Push (see {@link #createWebPush(NewSubscription, PushKeys, Caller, String)}). */
    public CreatedSubscription createWebPush(NewSubscription request, PushKeys keys, String consumer, String createdBy) {
        requireIdentity(consumer, "consumer");
        requireIdentity(createdBy, "createdBy");
        SubscriptionValidator.Checked checked = validator.check(request);
        return store(checked, request.orderedDelivery(), consumer, createdBy, null,
                new Channelled.WebPush(java.util.Objects.requireNonNull(keys, "keys")));
    }

    /**
     * As {@link #create(NewSubscription, String, String)}, owned by the caller, and only if the caller
     * could read what the filters select: the resource's agency or holder of its app scope may
     * subscribe to all of it; anyone else must name a party (subject or alternative subject filter)
     * that it is, or that the decision point lets it read. The matcher checks each push again.
     *
     * @throws AccessDeniedException when the caller could never read the events
     */
    public CreatedSubscription create(NewSubscription request, Caller caller, String createdBy) {
        return create(request, caller, createdBy, null);
    }

    /**
     * As {@link #create(NewSubscription, Caller, String)}, told by Web Push: {@code endPoint} is
     * the push subscription's endpoint (a push service's URL) and {@code keys} its keys. Active at
     * once: there is no endpoint of the owner's to ask for consent, the browser gave it.
     */
    public CreatedSubscription createWebPush(NewSubscription request, PushKeys keys, Caller caller, String createdBy) {
        return create(request, caller, createdBy, new Channelled.WebPush(java.util.Objects.requireNonNull(keys, "keys")));
    }

    private CreatedSubscription create(NewSubscription request, Caller caller, String createdBy, Channelled channel) {
        if (access == null) {
            throw new IllegalStateException("this service was built without an access policy");
        }
        String consumer = caller.principal();
        if (consumer == null) {
            throw new AccessDeniedException("the token names no agency, person or organisation to own the subscription");
        }
        requireIdentity(createdBy, "createdBy");
        SubscriptionValidator.Checked checked = validator.check(request);
        SubscriptionFilter filter = checked.filter();
        String grantedScope = null;
        if (access.readsWholeResource(caller, filter.resource())) {
            AppResource app = AppResource.of(filter.resource());
            // an app's scope is kept with the subscription; an owner (of its app, or of a resource that is
            // no app's) needs none
            grantedScope = app == null || app.org().equals(caller.agency()) ? null : app.id();
        } else if (filter.subject() == null && filter.alternativeSubject() == null) {
            throw new AccessDeniedException("only the agency of " + filter.resource() + " (or a holder of its app scope) may "
                    + "subscribe to all its events; name the party with subjectFilter or alternativeSubjectFilter");
        } else if (!access.mayRead(caller, filter.subject(), filter.alternativeSubject(), filter.resource())) {
            throw new AccessDeniedException("the caller may not read events of " + filter.resource() + " about the party named");
        }
        if (channel instanceof Channelled.Sms sms) {
            checked = new SubscriptionValidator.Checked(smsEndpoint(sms.phoneNumber()), checked.filter(), checked.contentType());
        }
        return store(checked, request.orderedDelivery(), consumer, createdBy, grantedScope, channel);
    }

    private CreatedSubscription store(SubscriptionValidator.Checked checked, boolean orderedDelivery, String consumer,
            String createdBy, String grantedScope) {
        return store(checked, orderedDelivery, consumer, createdBy, grantedScope, null);
    }

    private CreatedSubscription store(SubscriptionValidator.Checked checked, boolean orderedDelivery, String consumer,
            String createdBy, String grantedScope, Channelled channel) {
        String secret = cipher.newSecret();
        var row = new SubscriptionRepository.NewRow(consumer, createdBy, checked.endpoint(), checked.filter(),
                orderedDelivery, cipher.encrypt(secret), clock.instant(), grantedScope, checked.contentType());
        Subscription stored;
        if (channel == null) {
            SubscriptionRepository.Stored result = repository.insertUnlessIdentical(row, maxPerConsumer);
            stored = result.subscription();
            if (result.existing()) {
                // apps subscribe at every start-up: the platform answers with the subscription they have
                log.info("Subscription {} asked for again; the existing one is answered", stored.id());
                return CreatedSubscription.existing(stored);
            }
        } else if (channel instanceof Channelled.WebPush push) {
            // a browser's push subscription is new each time it is made: its keys are never the same twice
            stored = repository.insertWebPush(row, cipher.encryptPersonal(sealable(push.keys())), maxPerConsumer);
        } else {
            String number = ((Channelled.Sms) channel).phoneNumber();
            stored = repository.insertSms(row, cipher.encryptPersonal(number.getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                    phoneNumberHash(number), maxPerConsumer);
        }
        // The endpoint and the consumer stay out of the log: URLs carry tokens, consumers can be person numbers.
        log.info("Subscription {} created on {}", stored.id(), stored.filter().resource());
        afterCommit(new SubscriptionCreated(stored.id()));
        return new CreatedSubscription(stored, secret);
    }

    /** The masked number an SMS subscription's {@code end_point} holds in place of an endpoint: {@code sms:+47*****567}. */
    public static URI smsEndpoint(String phoneNumber) {
        return URI.create("sms:" + PhoneNumbers.mask(phoneNumber));
    }

    /**
     * As {@link #create(NewSubscription, Caller, String)}, told by SMS to {@code phoneNumber} (E.164)
     * in place of an endpoint; {@code request.endPoint()} must be null. Only a person or an
     * organisation may send events to a number, and only its own: each subject filter must name the
     * caller itself (none given: {@code subjectFilter} becomes the caller's own party), so an agency
     * or a professional acting for others can never have someone else's events texted anywhere.
     * Pending until the owner confirms the code texted to the number.
     *
     * @throws AccessDeniedException        when the caller is an agency or party-less, or names another subject
     * @throws InvalidSubscriptionException when the number is not E.164 or a field breaks a rule
     */
    public CreatedSubscription createSms(NewSubscription request, String phoneNumber, Caller caller, String createdBy) {
        var errors = new java.util.ArrayList<io.herald.store.FieldError>();
        if (request.endPoint() != null) {
            errors.add(new io.herald.store.FieldError("endPoint", "must not be sent with an SMS subscription: a subscription has "
                    + "exactly one channel"));
        }
        if (!PhoneNumbers.isE164(phoneNumber)) {
            errors.add(new io.herald.store.FieldError("phoneNumber", "must be an E.164 number: + and country code, then the number, "
                    + "digits only, at most 15 (e.g. +4791234567)"));
        }
        if (request.includeSubunits()) {
            errors.add(new io.herald.store.FieldError("includeSubunits", "is not offered for SMS: a number gets only its owner's own events"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidSubscriptionException(errors);
        }
        if (caller.agency() != null || (caller.personNumber() == null && caller.organisationNumber() == null)) {
            throw new AccessDeniedException("only a person or an organisation may have events texted to a phone number, each only "
                    + "its own");
        }
        String subject = request.subjectFilter();
        String alternative = request.alternativeSubjectFilter();
        if (subject == null && alternative == null) {
            subject = caller.principal();
        }
        if ((subject != null && !caller.is(subject)) || (alternative != null && !caller.is(alternative))) {
            throw new AccessDeniedException("an SMS subscription's subjectFilter and alternativeSubjectFilter must name the caller "
                    + "itself: nobody may have another party's events texted to a number");
        }
        // the validator checks an endpoint; an SMS subscription has none, so it sees a placeholder in its place
        NewSubscription bound = new NewSubscription("https://sms.invalid/", request.resourceFilter(), request.sourceFilter(),
                subject, alternative, request.typeFilter(), false, request.orderedDelivery(), request.pushContentType());
        return create(bound, caller, createdBy, new Channelled.Sms(phoneNumber));
    }

    /**
     * As {@link #createSms(NewSubscription, String, Caller, String)} for a consumer named directly, with no access
     * check: for Herald's own jobs and tests, never for an API caller.
     */
    public CreatedSubscription createSms(NewSubscription request, String phoneNumber, String consumer, String createdBy) {
        requireIdentity(consumer, "consumer");
        requireIdentity(createdBy, "createdBy");
        if (!PhoneNumbers.isE164(phoneNumber)) {
            throw new InvalidSubscriptionException(List.of(new io.herald.store.FieldError("phoneNumber", "must be an E.164 number")));
        }
        NewSubscription placeholder = new NewSubscription("https://sms.invalid/", request.resourceFilter(), request.sourceFilter(),
                request.subjectFilter(), request.alternativeSubjectFilter(), request.typeFilter(), false, request.orderedDelivery(),
                request.pushContentType());
        SubscriptionValidator.Checked checked = validator.check(placeholder);
        return store(new SubscriptionValidator.Checked(smsEndpoint(phoneNumber), checked.filter(), checked.contentType()),
                request.orderedDelivery(), consumer, createdBy, null, new Channelled.Sms(phoneNumber));
    }

    /** The phone number of an SMS subscription (any owner's), in clear: for texting it, never for an answer or a log. */
    public Optional<String> smsPhoneNumber(SubscriptionId id) {
        return deliveryTarget(id).map(DeliveryTarget::phoneNumber);
    }

    /**
     * Opens a new verification code for an SMS subscription, stored only as a keyed hash: void after
     * {@code ttl} or {@code tries} wrong guesses; refused while the last was sent less than
     * {@code resendInterval} ago.
     *
     * @return empty when opened, else how long until a new code may be sent
     */
    public Optional<java.time.Duration> openSmsCode(SubscriptionId id, String code, java.time.Duration ttl, int tries,
            java.time.Duration resendInterval) {
        return repository.openSmsCode(id, codeHash(id, code), ttl, tries, resendInterval);
    }

    /** Closes the open code of an SMS subscription (its text could not be sent), so a new one may be asked for at once. */
    public void dropSmsCode(SubscriptionId id) {
        repository.dropSmsCode(id);
    }

    /** Checks a code the owner typed in; a match validates the subscription. */
    public SmsConfirmation confirmSmsCode(SubscriptionId id, String code) {
        var confirmation = repository.confirmSmsCode(id, codeHash(id, code));
        if (confirmation instanceof SmsConfirmation.Verified) {
            log.info("Subscription {} verified its phone number", id);
        }
        return confirmation;
    }

    private byte[] codeHash(SubscriptionId id, String code) {
        return cipher.keyedHash("sms verification code", id.value() + ":" + code);
    }

    /** The keyed hash a phone number is looked up by (never the number itself). */
    public byte[] phoneNumberHash(String phoneNumber) {
        return cipher.keyedHash("phone number", phoneNumber);
    }

    /**
     * Ends every SMS subscription of the number (it answered STOP through the gateway): disabled
     * with {@code reason} for their owners to see, unverified, their pending deliveries dead-lettered.
     *
     * @return the subscriptions ended, each with its owner (consumer)
     */
    public java.util.Map<SubscriptionId, String> stopSms(String phoneNumber, String reason) {
        java.util.Map<SubscriptionId, String> stopped = repository.stopSms(phoneNumberHash(phoneNumber), reason);
        stopped.keySet().forEach(id -> log.warn("Subscription {} disabled: {}", id, reason));
        return stopped;
    }

    /** One active SMS subscription of the number with this keyed hash, if it has any (to text it a digest). */
    public Optional<SubscriptionId> activeSmsSubscription(byte[] phoneNumberHash) {
        return repository.activeSmsSubscription(phoneNumberHash);
    }

    /** What a subscription is told through besides its filter: an SMS subscription's phone number. */
    private sealed interface Channelled {
        record Sms(String phoneNumber) implements Channelled {
        }

        record WebPush(PushKeys keys) implements Channelled {
        }
    }

    /** The consumer's subscriptions, in the order they were created. */
    public List<Subscription> list(String consumer) {
        return repository.list(consumer);
    }

    /** A page of the consumer's subscriptions: at most {@code limit} created after {@code after} (null: from the first), oldest first. */
    public List<Subscription> list(String consumer, SubscriptionId after, int limit) {
        return repository.list(consumer, after == null ? 0 : after.value(), limit);
    }

    public Optional<Subscription> get(String consumer, SubscriptionId id) {
        return repository.find(consumer, id);
    }

    /**
     * What the dispatcher needs to push a delivery of this subscription, whoever owns it: endpoint,
     * decrypted signing secrets and whether it takes pushes now. Empty once it was deleted.
     */
    public Optional<DeliveryTarget> deliveryTarget(SubscriptionId id) {
        return Optional.ofNullable(deliveryTargets(List.of(id)).get(id));
    }

    /** {@link #deliveryTarget} for several subscriptions in one look-up; deleted ones are absent from the answer. */
    public java.util.Map<SubscriptionId, DeliveryTarget> deliveryTargets(java.util.Collection<SubscriptionId> ids) {
        java.util.Map<SubscriptionId, DeliveryTarget> targets = new java.util.HashMap<>();
        for (var found : repository.findForDelivery(ids)) {
            DeliveryTarget target = target(found);
            targets.put(target.id(), target);
        }
        return withChannels(targets);
    }

    /**
     * One subscription's target. A secret that cannot be decrypted leaves only this subscription
     * out: it signs with the secrets that can be (a rotation since), and is unusable when none can.
     */
    private DeliveryTarget target(java.util.Map.Entry<Subscription, List<byte[]>> found) {
        Subscription subscription = found.getKey();
        List<String> secrets = new java.util.ArrayList<>();
        String failure = null;
        for (byte[] sealed : found.getValue()) {
            try {
                secrets.add(cipher.decrypt(sealed));
            } catch (IllegalStateException e) {
                failure = e.getMessage();
            }
        }
        return secrets.isEmpty() && failure != null
                ? DeliveryTarget.unusable(subscription.id(), subscription.endpoint(), subscription.active(), failure)
                : new DeliveryTarget(subscription.id(), subscription.endpoint(), secrets, subscription.active(),
                        subscription.push(), webhookOrigin, null);
    }

    /** Web Push subscriptions' targets get their channel and keys; webhooks stay as they are. */
    private java.util.Map<SubscriptionId, DeliveryTarget> withChannels(java.util.Map<SubscriptionId, DeliveryTarget> targets) {
        if (targets.isEmpty()) {
            return targets;
        }
        repository.channels(targets.keySet()).forEach((id, channel) -> {
            DeliveryTarget webhook = targets.get(id);
            DeliveryTarget.Channel kind = DeliveryTarget.Channel.of(channel.getKey());
            if (webhook.unusable() != null) {
                targets.put(id, webhook.onChannel(kind, null));
                return;
            }
            byte[] keys;
            try {
                keys = cipher.decryptPersonal(channel.getValue());
            } catch (IllegalStateException e) {
                // like an undecryptable secret: only this subscription waits (the message holds no key)
                targets.put(id, DeliveryTarget.unusable(id, kind, webhook.endpoint(), webhook.active(),
                        "its stored push keys or phone number could not be decrypted: they were sealed under another "
                                + "herald.subscriptions.secret-key or have been altered"));
                return;
            }
            if (kind == DeliveryTarget.Channel.SMS) {
                targets.put(id, webhook.onSms(new String(keys, java.nio.charset.StandardCharsets.US_ASCII)));
                return;
            }
            targets.put(id, webhook.onChannel(kind,
                    new PushKeys(java.util.Arrays.copyOf(keys, 65), java.util.Arrays.copyOfRange(keys, 65, keys.length))));
        });
        return targets;
    }

    /** p256dh (65 bytes) then auth, as sealed in the database. */
    private static byte[] sealable(PushKeys keys) {
        byte[] p256dh = keys.p256dh();
        byte[] auth = keys.auth();
        byte[] both = java.util.Arrays.copyOf(p256dh, p256dh.length + auth.length);
        System.arraycopy(auth, 0, both, p256dh.length, auth.length);
        return both;
    }

    /** The channel of each of these subscriptions (found by their owner already): {@code webhook} unless stored otherwise. */
    public java.util.Map<SubscriptionId, DeliveryTarget.Channel> channels(java.util.Collection<SubscriptionId> ids) {
        java.util.Map<SubscriptionId, DeliveryTarget.Channel> channels = new java.util.HashMap<>();
        ids.forEach(id -> channels.put(id, DeliveryTarget.Channel.WEBHOOK));
        if (!ids.isEmpty()) {
            repository.channels(ids).forEach((id, stored) -> channels.put(id, DeliveryTarget.Channel.of(stored.getKey())));
        }
        return channels;
    }

    /**
     * A new signing secret, shown only in this answer; the previous one keeps signing beside it
     * (two signatures per request) for {@code overlap}, so the receiver can switch without a gap.
     */
    public Optional<String> rotateSecret(String consumer, SubscriptionId id) {
        java.time.Duration overlap = secretOverlap;
        String secret = cipher.newSecret();
        if (!repository.rotateSecret(consumer, id, cipher.encrypt(secret), clock.instant().plus(overlap))) {
            return Optional.empty();
        }
        log.info("Subscription {} has a new signing secret; the previous one signs too for {}", id, overlap);
        return Optional.of(secret);
    }

    /** Turns it off because its endpoint said it is gone for good (410); its owner sees the reason and may resume it. */
    public boolean disable(SubscriptionId id, String reason) {
        boolean disabled = repository.disable(id, reason);
        if (disabled) {
            log.warn("Subscription {} disabled: {}", id, reason);
        }
        return disabled;
    }

    /** Deletes it: no event is matched to it from the next one on. False if the consumer has no such subscription. */
    public boolean delete(String consumer, SubscriptionId id) {
        boolean deleted = repository.delete(consumer, id);
        if (deleted) {
            log.info("Subscription {} deleted", id);
        }
        return deleted;
    }

    /** Stops matching events to it until it is resumed; events in between are not delivered later. */
    public Optional<Subscription> pause(String consumer, SubscriptionId id) {
        return repository.setPaused(consumer, id, true);
    }

    /** Matches events to it again (once validated). */
    public Optional<Subscription> resume(String consumer, SubscriptionId id) {
        return repository.setPaused(consumer, id, false);
    }

    /**
     * Publishes once the insert is committed: at once when it ran in its own transaction, or when
     * a caller's surrounding transaction commits. A listener's failure must not turn a stored
     * subscription into an error whose answer, with the only copy of the secret, is lost; the
     * handshake's sweep finds subscriptions never tried.
     */
    private void afterCommit(SubscriptionCreated created) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    publish(created);
                }
            });
        } else {
            publish(created);
        }
    }

    private void publish(SubscriptionCreated created) {
        try {
            events.publishEvent(created);
        } catch (RuntimeException e) {
            log.warn("A listener failed on subscription {} being created; the handshake's sweep will try it", created.id(), e);
        }
    }

    private static void requireIdentity(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required and comes from the caller's token");
        }
    }
}
