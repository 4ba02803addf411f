package io.herald.subscriptions.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;

import io.herald.store.EventPosition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Tells a log range's transient failures from persistent ones, in one place. A failure of the
 * database itself (no connection, a timeout, a serialization failure) is transient: it is the work
 * loop's to retry with its back-off. A data error (a constraint, say) is first retried at once — a
 * subscription deleted while its deliveries were written fails one batch and not the next — but when
 * the same range fails {@value #PERSISTENT_AFTER} times in a row it is persistent: logged at ERROR
 * once with the range, its checkpoint and the error, counted, shown in
 * {@code herald.matcher.stuck.ranges}, and retried with a back-off that doubles up to
 * {@link #MAX_BACK_OFF} rather than spinning. The range's next success clears it (and says so).
 */
final class RangeFailures {

    private static final Logger log = LoggerFactory.getLogger(RangeFailures.class);
    static final int PERSISTENT_AFTER = 3;
    static final Duration FIRST_BACK_OFF = Duration.ofSeconds(1);
    static final Duration MAX_BACK_OFF = Duration.ofMinutes(5);

    private record Failing(int times, long retryAtMillis) {
    }

    private final Map<Integer, Failing> failing = new ConcurrentHashMap<>();
    private final Clock clock;
    private final String matcher;
    private final Counter transientFailures;
    private final Counter persistentFailures;

    RangeFailures(Clock clock, MeterRegistry meters, String matcher) {
        this.clock = clock;
        this.matcher = matcher;
        this.transientFailures = Counter.builder("herald.matcher.failures").tag("kind", "transient").tag("matcher", matcher)
                .description("matcher batches that failed and were retried").register(meters);
        this.persistentFailures = Counter.builder("herald.matcher.failures").tag("kind", "persistent").tag("matcher", matcher)
                .description("matcher batches that failed and were retried").register(meters);
        Gauge.builder("herald.matcher.stuck.ranges", failing, f -> f.values().stream().filter(s -> s.times() >= PERSISTENT_AFTER).count())
                .description("log ranges whose batch keeps failing with a data error; the matcher backs off on them")
                .tag("matcher", matcher).register(meters);
    }

    /** True when the database itself failed, not the data: the work loop retries the whole round with its back-off. */
    static boolean isTransient(RuntimeException e) {
        return e instanceof TransientDataAccessException || e instanceof RecoverableDataAccessException
                || e instanceof DataAccessResourceFailureException;
    }

    /** True while the range backs off after a persistent failure. */
    boolean backingOff(int range) {
        Failing state = failing.get(range);
        return state != null && clock.millis() < state.retryAtMillis();
    }

    void succeeded(int range) {
        Failing state = failing.remove(range);
        if (state != null && state.times() >= PERSISTENT_AFTER) {
            log.warn("Matcher {}: log range {} is matched again after {} failed batches", matcher, range, state.times());
        }
    }

    /** A data error on the range's batch starting after {@code checkpoint}. */
    void failed(int range, EventPosition checkpoint, RuntimeException e) {
        Failing before = failing.get(range);
        int times = before == null ? 1 : before.times() + 1;
        if (times < PERSISTENT_AFTER) {
            transientFailures.increment();
            failing.put(range, new Failing(times, 0));
            log.info("Matcher {}: log range {} failed after {}, matching it again: {}", matcher, range, checkpoint, e.toString());
            return;
        }
        persistentFailures.increment();
        long backOff = Math.min(MAX_BACK_OFF.toMillis(), FIRST_BACK_OFF.toMillis() << Math.min(20, times - PERSISTENT_AFTER));
        failing.put(range, new Failing(times, clock.millis() + backOff));
        if (times == PERSISTENT_AFTER) {
            log.error("Matcher {}: log range {} fails with a data error on the batch after {} ({} times in a row); "
                    + "its events wait and are tried again with a back-off of up to {}. Error: {}", matcher, range,
                    checkpoint, times, MAX_BACK_OFF, e.toString(), e);
        } else {
            log.warn("Matcher {}: log range {} still fails after {} ({} times in a row), next try in {} ms: {}", matcher,
                    range, checkpoint, times, backOff, e.toString());
        }
    }
}
