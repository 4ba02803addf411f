package io.herald.api.subscription;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.herald.api.NextLinks;
import io.herald.api.feed.FeedParameters;
import io.herald.api.problem.NotFoundException;
import io.herald.api.problem.BadRequestException;
import io.herald.dispatcher.AttemptView;
import io.herald.api.publish.JsonBodies;
import io.herald.dispatcher.Deliveries;
import io.herald.dispatcher.DispatcherProperties;
import io.herald.dispatcher.EventReplay;
import io.herald.dispatcher.DeliveryView;
import io.herald.dispatcher.TestDeliveries;
import io.herald.subscriptions.SubscriptionId;
import io.herald.subscriptions.SubscriptionService;

/**
 * {@code /events/api/v1/subscriptions/{id}/...}: what happened to a subscription's events — its
 * deliveries and every attempt at them (keyset-paged: {@code after} an id, with the next page's URL
 * in the {@code next} and {@code Link} headers, as the feeds do) — and the replay of dead letters.
 * Only the subscription's owner sees them; for anybody else it does not exist (404).
 */
@RestController
@RequestMapping(path = SubscriptionController.PATH + "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
public class DeliveryController {


    private final SubscriptionService subscriptions;
    private final Deliveries deliveries;
    private final TestDeliveries tests;
    private final FeedParameters parameters;
    private final EventReplay replays;
    private final JsonBodies bodies;
    private final int replayMaxEvents;
    private final Callers callers;

    DeliveryController(SubscriptionService subscriptions, Deliveries deliveries, TestDeliveries tests,
            FeedParameters parameters, EventReplay replays, JsonBodies bodies, DispatcherProperties dispatcher,
            Callers callers) {
        this.callers = callers;
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.tests = tests;
        this.parameters = parameters;
        this.replays = replays;
        this.bodies = bodies;
        this.replayMaxEvents = dispatcher.replayMaxEvents();
    }

    /**
     * 202: the subscription's events in the range are matched again and due now (bounded: at most
     * {@code herald.dispatcher.replay-max-events} examined per call; {@code next} says where to go on).
     */
    @PostMapping(path = "/replay", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ReplayRequests.Answer> replayRange(@PathVariable("id") String id, HttpServletRequest request,
            @AuthenticationPrincipal Jwt caller) {
        SubscriptionId subscription = subscriptionId(id);
        EventReplay.Range range = ReplayRequests.read(bodies.read(request));
        EventReplay.Result result = replays.replay(callers.consumer(caller), subscription, range, replayMaxEvents)
                .orElseThrow(() -> new SubscriptionNotFoundException(subscription));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(ReplayRequests.Answer.of(result));
    }

    /**
     * 200 with what the endpoint answered to a signed {@code platform.events.test} event sent now
     * (not stored, not retried).
     */
    @PostMapping("/test")
    TestDeliveries.TestResult test(@PathVariable("id") String id, @AuthenticationPrincipal Jwt caller) {
        SubscriptionId subscription = owned(id, caller);
        return tests.send(subscription).orElseThrow(() -> new SubscriptionNotFoundException(subscription));
    }

    /**
     * The subscription's deliveries in id order, optionally only those of one status; with
     * {@code order=newest} the newest first, continued with {@code before}.
     */
    @GetMapping("/deliveries")
    ResponseEntity<List<DeliveryView>> deliveries(@PathVariable("id") String id,
            @RequestParam(name = "status", required = false) String status,
            @RequestParam(name = "after", required = false) String after,
            @RequestParam(name = "before", required = false) String before,
            @RequestParam(name = "order", required = false) String order,
            @RequestParam(name = "size", required = false) Integer size,
            @AuthenticationPrincipal Jwt caller) {
        SubscriptionId subscription = owned(id, caller);
        Optional<String> wanted = status(status);
        int limit = parameters.size(size);
        if (newestFirst(order, after, before)) {
            return newestPage(deliveries.listNewest(subscription, wanted, before(before), limit), limit, DeliveryView::id);
        }
        long afterId = after(after);
        List<DeliveryView> page = deliveries.list(subscription, wanted, afterId, limit);
        return page(page, afterId, DeliveryView::id);
    }

    /** Every attempt at the subscription's deliveries, in id order; with {@code order=newest} the newest first. */
    @GetMapping("/attempts")
    ResponseEntity<List<AttemptView>> attempts(@PathVariable("id") String id,
            @RequestParam(name = "after", required = false) String after,
            @RequestParam(name = "before", required = false) String before,
            @RequestParam(name = "order", required = false) String order,
            @RequestParam(name = "size", required = false) Integer size,
            @AuthenticationPrincipal Jwt caller) {
        SubscriptionId subscription = owned(id, caller);
        int limit = parameters.size(size);
        if (newestFirst(order, after, before)) {
            return newestPage(deliveries.attemptsNewest(subscription, before(before), limit), limit, AttemptView::id);
        }
        long afterId = after(after);
        List<AttemptView> page = deliveries.attempts(subscription, afterId, limit);
        return page(page, afterId, AttemptView::id);
    }

    /** 202: the dead letter is due again now, with a fresh count of attempts. */
    @PostMapping("/deliveries/{deliveryId}/replay")
    ResponseEntity<?> replay(@PathVariable("id") String id, @PathVariable("deliveryId") String deliveryId,
            @AuthenticationPrincipal Jwt caller) {
        SubscriptionId subscription = owned(id, caller);
        long delivery = positive("deliveryId", deliveryId);
        if (!deliveries.replay(subscription, delivery)) {
            throw new NotFoundException("subscription " + subscription + " has no dead letter " + delivery);
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).build();
    }

    /**
     * 202 with how many dead letters are due again (at most {@link Deliveries#DEFAULT_REPLAY_CAP} per call):
     * all of them, or with {@code from} and/or {@code to} those whose delivery was created in {@code [from, to)}.
     */
    @PostMapping("/dead-letters/replay")
    ResponseEntity<Map<String, Integer>> replayDeadLetters(@PathVariable("id") String id,
            @RequestParam(name = "from", required = false) String from,
            @RequestParam(name = "to", required = false) String to,
            @AuthenticationPrincipal Jwt caller) {
        SubscriptionId subscription = owned(id, caller);
        Instant since = FeedParameters.time("from", from);
        Instant until = FeedParameters.time("to", to);
        if (since != null && until != null && !until.isAfter(since)) {
            throw BadRequestException.invalidParameter("to", "must be after from (" + since + ") but was " + until);
        }
        int replayed = deliveries.replayDeadLetters(subscription, since, until, Deliveries.DEFAULT_REPLAY_CAP);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("replayed", replayed));
    }

    /** The subscription, if it is the caller's; otherwise 404, exactly as for one that does not exist. */
    private SubscriptionId owned(String text, Jwt caller) {
        SubscriptionId subscription = subscriptionId(text);
        if (subscriptions.get(callers.consumer(caller), subscription).isEmpty()) {
            throw new SubscriptionNotFoundException(subscription);
        }
        return subscription;
    }

    private static <T> ResponseEntity<List<T>> page(List<T> page, long afterId, ToLongFunction<T> idOf) {
        long last = page.isEmpty() ? afterId : idOf.applyAsLong(page.get(page.size() - 1));
        return NextLinks.ok(Long.toString(last)).body(page);
    }

    /**
     * Whether {@code order} asks for the newest first ({@code newest}; the default, {@code oldest}, reads
     * in id order after {@code after}). Each order has its own cursor: {@code after} for the oldest first,
     * {@code before} for the newest first; the other one is refused rather than ignored.
     */
    private static boolean newestFirst(String order, String after, String before) {
        if (order == null || order.equals("oldest")) {
            if (before != null) {
                throw BadRequestException.invalidParameter("before", "reads the newest first: it needs order=newest");
            }
            return false;
        }
        if (!order.equals("newest")) {
            throw BadRequestException.invalidParameter("order", "must be oldest or newest but was '" + shown(order) + "'");
        }
        if (after != null) {
            throw BadRequestException.invalidParameter("after", "reads the oldest first: with order=newest, go on with before");
        }
        return true;
    }

    /** The id the newest-first page reads below; the newest of all when none is given. */
    private static long before(String before) {
        return before == null ? Long.MAX_VALUE : positive("before", before);
    }

    /** A newest-first page; its {@code next} (and {@code Link}) only when it is full: a shorter page is the last. */
    private static <T> ResponseEntity<List<T>> newestPage(List<T> page, int limit, ToLongFunction<T> idOf) {
        if (page.size() < limit) {
            return ResponseEntity.ok(page);
        }
        return NextLinks.ok("before", Long.toString(idOf.applyAsLong(page.get(page.size() - 1)))).body(page);
    }

    private static Optional<String> status(String status) {
        if (status == null) {
            return Optional.empty();
        }
        if (!Deliveries.STATUSES.contains(status)) {
            throw BadRequestException.invalidParameter("status", "must be pending, delivered or dead but was '" + shown(status) + "'");
        }
        return Optional.of(status);
    }

    private static long after(String after) {
        if (after == null) {
            return 0;
        }
        try {
            long value = Long.parseLong(after);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw BadRequestException.invalidParameter("after", "must be an id (0 or a positive number) but was '" + shown(after) + "'");
    }

    private static long positive(String name, String text) {
        try {
            long value = Long.parseLong(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw BadRequestException.invalidParameter(name, "must be a positive number but was '" + shown(text) + "'");
    }

    private static SubscriptionId subscriptionId(String text) {
        try {
            return SubscriptionId.parse(text);
        } catch (IllegalArgumentException e) {
            throw BadRequestException.invalidParameter("id", "must be a subscription id (a positive number) but was '" + shown(text) + "'");
        }
    }

    private static String shown(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
