package io.herald.dispatcher;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import io.herald.dispatcher.DeliveryOutcome.Delivered;
import io.herald.dispatcher.DeliveryOutcome.HttpFailure;
import io.herald.dispatcher.DeliveryOutcome.Refused;
import io.herald.dispatcher.RetryDecision.DeadLetter;
import io.herald.dispatcher.RetryDecision.Disable;
import io.herald.dispatcher.RetryDecision.Done;
import io.herald.dispatcher.RetryDecision.RetryAt;

/**
 * The one place that decides, after each attempt, whether a delivery is done, tried again, given
 * up or its subscription disabled. Which failures are permanent is decided here and nowhere else.
 *
 * <p>{@code attemptsMade} counts the attempts so far, the one that just ended included; the
 * schedule is {@link DeliveryRetry#schedule()}, {@code n} its length. Rows are read top down; the
 * first that fits decides.
 *
 * <table>
 *   <caption>Outcome of an attempt → decision</caption>
 *   <tr><th>Outcome</th><th>Decision</th><th>Why</th></tr>
 *   <tr><td>2xx response ({@link Delivered})</td><td>{@link Done}</td>
 *       <td>Success is any 2xx within the timeout.</td></tr>
 *   <tr><td>{@link Refused}, e.g. the endpoint resolves to a blocked address</td>
 *       <td>{@link DeadLetter} at once</td><td>Trying again cannot help.</td></tr>
 *   <tr><td>{@link DeliveryOutcome.Rejected}, e.g. an SMS gateway's 400 for an invalid number</td>
 *       <td>{@link DeadLetter} at once</td><td>The channel's service said so for good.</td></tr>
 *   <tr><td>410 Gone, or {@link DeliveryOutcome.Gone} (a push service's 404 or 410)</td><td>{@link Disable}: the
 *       subscription is disabled and the delivery dead-lettered</td><td>The endpoint says it wants nothing more.</td></tr>
 *   <tr><td>any other failure with {@code attemptsMade > n}</td><td>{@link DeadLetter}</td>
 *       <td>The schedule is used up.</td></tr>
 *   <tr><td>429 or 503 with a {@code Retry-After}</td>
 *       <td>{@link RetryAt} max(jittered {@code schedule[attemptsMade - 1]},
 *       min(Retry-After, {@link DeliveryRetry#maxRetryAfter()}))</td>
 *       <td>The endpoint said when it can take more; the clamp keeps one endpoint from parking
 *       a delivery for days. The attempt still counts.</td></tr>
 *   <tr><td>any other status (3xx, since redirects are not followed; 4xx; 5xx), and network
 *       failures: timeouts, refused or reset connections, TLS errors</td>
 *       <td>{@link RetryAt} jittered {@code schedule[attemptsMade - 1]}</td>
 *       <td>Receivers' bugs and outages are usually fixed within the default schedule's 35 hours; a
 *       dead letter can still be replayed after that.</td></tr>
 * </table>
 *
 * <p>Jitter multiplies a scheduled wait by a factor drawn uniformly from
 * [1 − {@link DeliveryRetry#jitter()}, 1 + {@link DeliveryRetry#jitter()}] and is applied to the
 * schedule only, never to a Retry-After, so Herald never comes back earlier than an endpoint
 * asked (within the clamp).
 *
 * <p>Instances are immutable and thread-safe if their {@link RandomGenerator} is.
 */
public final class RetryPolicy {

    /** Draws from the calling thread's own generator, so that workers share no random state. */
    private static final RandomGenerator THREAD_LOCAL_RANDOM = () -> ThreadLocalRandom.current().nextLong();

    private static final RetryDecision DONE = new Done();

    private final DeliveryRetry settings;
    private final RandomGenerator random;

    /**
     * @param random the source of jitter; shared by every thread that calls {@link #decide}, so it must be
     *               thread-safe unless the policy is confined to one thread (as in a test with a seeded one).
     *               {@link RandomGenerator#getDefault()} is not; {@link #RetryPolicy(DeliveryRetry)} is the
     *               choice for a policy that workers share
     */
    public RetryPolicy(DeliveryRetry settings, RandomGenerator random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A policy whose jitter comes from each calling thread's {@link ThreadLocalRandom}. */
    public RetryPolicy(DeliveryRetry settings) {
        this(settings, THREAD_LOCAL_RANDOM);
    }

    public DeliveryRetry settings() {
        return settings;
    }

    /**
     * What to do after an attempt; see the table above.
     *
     * @param attemptsMade attempts so far, including the one that produced {@code outcome}; at least 1
     */
    public RetryDecision decide(int attemptsMade, DeliveryOutcome outcome) {
        if (attemptsMade < 1) {
            throw new IllegalArgumentException("attemptsMade must be at least 1 but was " + attemptsMade);
        }
        Objects.requireNonNull(outcome, "outcome");
        if (outcome instanceof Delivered) {
            return DONE;
        }
        if (outcome instanceof Refused || outcome instanceof DeliveryOutcome.Rejected) {
            return new DeadLetter(outcome.summary());
        }
        if (outcome instanceof DeliveryOutcome.Gone gone) {
            return new Disable(gone.reason());
        }
        if (outcome instanceof HttpFailure failure && failure.status() == 410) {
            return new Disable("the endpoint answered 410 Gone");
        }
        List<Duration> schedule = settings.schedule();
        if (attemptsMade > schedule.size()) {
            return new DeadLetter("gave up after " + attemptsMade + (attemptsMade == 1 ? " attempt" : " attempts")
                    + "; the last failed with " + outcome.summary());
        }
        Duration delay = jittered(schedule.get(attemptsMade - 1));
        Optional<Duration> asked = honouredRetryAfter(outcome);
        if (asked.isPresent()) {
            Duration clamped = min(asked.get(), settings.maxRetryAfter());
            delay = clamped.compareTo(delay) > 0 ? clamped : delay;
        }
        return new RetryAt(delay);
    }

    private static Optional<Duration> honouredRetryAfter(DeliveryOutcome outcome) {
        if (outcome instanceof HttpFailure failure && (failure.status() == 429 || failure.status() == 503)) {
            return failure.retryAfter();
        }
        return Optional.empty();
    }

    private Duration jittered(Duration scheduled) {
        double jitter = settings.jitter();
        if (jitter == 0) {
            return scheduled;
        }
        double factor = random.nextDouble(1 - jitter, 1 + jitter);
        return Duration.ofMillis(Math.round(scheduled.toMillis() * factor));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Reads a {@code Retry-After} header (RFC 9110 §10.2.3): either delta-seconds or an HTTP-date
     * in any of the three forms a recipient must accept (IMF-fixdate, RFC 850, asctime).
     *
     * @param header the header's value, or {@code null} if the response had none
     * @param now    when the response arrived, to turn a date into a wait
     * @return the wait asked for; empty for a missing, malformed or negative value, or a date not
     *         after {@code now}, all of which ask for no wait beyond the schedule
     */
    public static Optional<Duration> parseRetryAfter(String header, Instant now) {
        Objects.requireNonNull(now, "now");
        if (header == null) {
            return Optional.empty();
        }
        String value = header.strip();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (isDigits(value)) {
            return Optional.of(deltaSeconds(value));
        }
        return httpDate(value, now).map(date -> Duration.between(now, date)).filter(wait -> !wait.isNegative());
    }

    /** Only ASCII digits: {@link Long#parseLong} would also take signs and other scripts' digits. */
    private static boolean isDigits(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static Duration deltaSeconds(String digits) {
        try {
            return Duration.ofSeconds(Long.parseLong(digits));
        } catch (NumberFormatException tooLarge) {
            // Longer than any clamp; the caller clamps it.
            return Duration.ofSeconds(Long.MAX_VALUE);
        }
    }

    private static final DateTimeFormatter ASCTIME = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendPattern("EEE MMM ppd HH:mm:ss uuuu")
            .toFormatter(Locale.US)
            .withZone(ZoneOffset.UTC);

    private static Optional<Instant> httpDate(String value, Instant now) {
        for (DateTimeFormatter format : List.of(DateTimeFormatter.RFC_1123_DATE_TIME, rfc850(now), ASCTIME)) {
            try {
                return Optional.of(format.parse(value, Instant::from));
            } catch (DateTimeException notThisForm) {
                // try the next form
            }
        }
        return Optional.empty();
    }

    /**
     * RFC 850 dates have a two-digit year, read (RFC 9110 §5.6.7) as the latest year with those
     * digits that is at most 50 years after {@code now}.
     */
    private static DateTimeFormatter rfc850(Instant now) {
        int baseYear = now.atOffset(ZoneOffset.UTC).getYear() - 49;
        return new DateTimeFormatterBuilder()
                .parseCaseInsensitive()
                .appendPattern("EEEE, dd-MMM-")
                .appendValueReduced(ChronoField.YEAR, 2, 2, baseYear)
                .appendPattern(" HH:mm:ss 'GMT'")
                .toFormatter(Locale.US)
                .withZone(ZoneOffset.UTC);
    }
}
