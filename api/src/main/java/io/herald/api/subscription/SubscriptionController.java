package io.herald.api.subscription;

import java.net.URI;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import io.herald.api.problem.BadRequestException;
import io.herald.api.publish.JsonBodies;
import io.herald.dispatcher.SmsSubscriptions;
import io.herald.dispatcher.WebPushProperties;
import io.herald.store.FieldError;
import io.herald.subscriptions.CreatedSubscription;
import io.herald.subscriptions.DeliveryTarget;
import io.herald.subscriptions.InvalidSubscriptionException;
import io.herald.subscriptions.Subscription;
import io.herald.subscriptions.SubscriptionId;
import io.herald.subscriptions.SubscriptionService;

/**
 * {@code /events/api/v1/subscriptions}: a caller's own webhook subscriptions. The owner
 * ({@code consumer}) and {@code createdBy} come from the token; another consumer's subscription
 * answers 404 exactly as a missing one does.
 */
@RestController
@RequestMapping(path = SubscriptionController.PATH, produces = MediaType.APPLICATION_JSON_VALUE)
public class SubscriptionController {

    public static final String PATH = "/events/api/v1/subscriptions";

    private final SubscriptionService subscriptions;
    private final JsonBodies bodies;
    private final Callers callers;
    private final WebPushProperties webPush;
    private final SmsSubscriptions sms;

    SubscriptionController(SubscriptionService subscriptions, JsonBodies bodies, Callers callers, WebPushProperties webPush,
            SmsSubscriptions sms) {
        this.webPush = webPush;
        this.sms = sms;
        this.subscriptions = subscriptions;
        this.bodies = bodies;
        this.callers = callers;
    }

    /**
     * 201 with the subscription and its signing secret, which is never shown again; 403 when the
     * caller could never read its events. When the caller already has an identical subscription,
     * 201 with that one (without secret), as the platform answers.
     */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<SubscriptionResponse> create(HttpServletRequest request, @AuthenticationPrincipal Jwt caller) {
        String createdBy = callers.createdBy(caller);
        var body = bodies.read(request);
        var text = SmsSubscriptionRequests.read(body);
        if (text != null) {
            var created = sms.create(text.request(), text.phoneNumber(), callers.caller(caller), createdBy);
            Subscription subscription = created.subscription().subscription();
            URI location = ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}")
                    .buildAndExpand(subscription.id().value()).toUri();
            return ResponseEntity.created(location).body(SubscriptionResponse.ofSms(subscription, created.codeSent()));
        }
        var push = PushSubscriptionRequests.read(body);
        CreatedSubscription created;
        if (push == null) {
            created = subscriptions.create(SubscriptionRequests.read(body), callers.caller(caller), createdBy);
        } else {
            if (!webPush.configured()) {
                throw new InvalidSubscriptionException(List.of(new FieldError(PushSubscriptionRequests.MEMBER,
                        "Web Push is not configured on this Herald")));
            }
            created = subscriptions.createWebPush(SubscriptionRequests.read(push.body()), push.keys(), callers.caller(caller),
                    createdBy);
        }
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}")
                .buildAndExpand(created.subscription().id().value()).toUri();
        return ResponseEntity.created(location).body(SubscriptionResponse.of(created, push == null
                ? DeliveryTarget.Channel.WEBHOOK : DeliveryTarget.Channel.WEB_PUSH));
    }

    /**
     * {@code {count, subscriptions}}, all of them as the platform answers; with {@code size} (clamped
     * to 1–{@value #MAX_PAGE}) a page of them after the subscription id {@code after}, and
     * {@code next} (member and {@code Link} header) when there are more.
     */
    // with a trailing slash too: the platform's clients (its bruno collection) call it so
    @GetMapping({"", "/"})
    ResponseEntity<SubscriptionList> list(@AuthenticationPrincipal Jwt caller,
            @RequestParam(name = "after", required = false) String after,
            @RequestParam(name = "size", required = false) String size) {
        String consumer = callers.consumer(caller);
        if (size == null) {
            if (after != null) {
                throw BadRequestException.invalidParameter("after", "needs size: the page size to read after it");
            }
            List<SubscriptionResponse> all = responses(subscriptions.list(consumer));
            return ResponseEntity.ok(new SubscriptionList(all.size(), all, null));
        }
        int limit = pageSize(size);
        List<SubscriptionResponse> page = responses(
                subscriptions.list(consumer, after == null ? null : id("after", after), limit + 1));
        if (page.size() <= limit) {
            return ResponseEntity.ok(new SubscriptionList(page.size(), page, null));
        }
        page = page.subList(0, limit);
        String next = ServletUriComponentsBuilder.fromCurrentRequest().replaceQueryParam("after", page.get(limit - 1).id())
                .replaceQueryParam("size", limit).toUriString();
        return ResponseEntity.ok().header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"")
                .body(new SubscriptionList(page.size(), page, next));
    }

    private static final int MAX_PAGE = 1000;

    private static int pageSize(String size) {
        try {
            return (int) Math.max(1, Math.min(MAX_PAGE, Long.parseLong(size.strip())));
        } catch (NumberFormatException e) {
            throw BadRequestException.invalidParameter("size", "must be a whole number (1 to " + MAX_PAGE + ")");
        }
    }

    @GetMapping("/{id}")
    SubscriptionResponse get(@PathVariable("id") String id, @AuthenticationPrincipal Jwt caller) {
        SubscriptionId subscription = id(id);
        return subscriptions.get(callers.consumer(caller), subscription).map(this::response)
                .orElseThrow(() -> new SubscriptionNotFoundException(subscription));
    }

    /** 200 with no body, as the platform answers; events are no longer matched to it from the next one on. */
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable("id") String id, @AuthenticationPrincipal Jwt caller) {
        SubscriptionId subscription = id(id);
        if (!subscriptions.delete(callers.consumer(caller), subscription)) {
            throw new SubscriptionNotFoundException(subscription);
        }
        return ResponseEntity.ok().build();
    }

    @PostMapping("/{id}/pause")
    SubscriptionResponse pause(@PathVariable("id") String id, @AuthenticationPrincipal Jwt caller) {
        SubscriptionId subscription = id(id);
        return subscriptions.pause(callers.consumer(caller), subscription).map(this::response)
                .orElseThrow(() -> new SubscriptionNotFoundException(subscription));
    }

    @PostMapping("/{id}/resume")
    SubscriptionResponse resume(@PathVariable("id") String id, @AuthenticationPrincipal Jwt caller) {
        SubscriptionId subscription = id(id);
        return subscriptions.resume(callers.consumer(caller), subscription).map(this::response)
                .orElseThrow(() -> new SubscriptionNotFoundException(subscription));
    }

    /** A secret rotation's answer: the new secret, shown only here. */
    public record RotatedSecret(String secret) {

        @Override
        public String toString() {
            return "RotatedSecret[(not shown)]";
        }
    }

    /**
     * A new signing secret (shown once); the previous one keeps signing beside it for
     * {@code herald.subscriptions.secret-overlap}, so the receiver can switch without a gap.
     */
    @PostMapping("/{id}/rotate-secret")
    RotatedSecret rotateSecret(@PathVariable("id") String id, @AuthenticationPrincipal Jwt caller) {
        SubscriptionId subscription = id(id);
        return subscriptions.rotateSecret(callers.consumer(caller), subscription).map(RotatedSecret::new)
                .orElseThrow(() -> new SubscriptionNotFoundException(subscription));
    }

    private static SubscriptionId id(String text) {
        return id("id", text);
    }

    /** The subscription id of a path, or 400. */
    static SubscriptionId parseId(String text) {
        return id("id", text);
    }

    private static SubscriptionId id(String parameter, String text) {
        try {
            return SubscriptionId.parse(text);
        } catch (IllegalArgumentException e) {
            String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
            throw BadRequestException.invalidParameter(parameter, "must be a subscription id (a positive number) but was '" + shown + "'");
        }
    }

    /** Subscriptions as shown, each with its channel (one look-up for all). */
    private List<SubscriptionResponse> responses(List<Subscription> found) {
        var channels = subscriptions.channels(found.stream().map(Subscription::id).toList());
        return found.stream().map(subscription -> SubscriptionResponse.of(subscription, channels.get(subscription.id()))).toList();
    }

    /** One subscription as shown, with its channel. */
    private SubscriptionResponse response(Subscription subscription) {
        return SubscriptionResponse.of(subscription, subscriptions.channels(List.of(subscription.id())).get(subscription.id()));
    }
}
