package io.herald.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.herald.dispatcher.DeliveryOutcome.Delivered;
import io.herald.dispatcher.DeliveryOutcome.HttpFailure;
import io.herald.dispatcher.DeliveryOutcome.NetworkFailure;
import io.herald.dispatcher.DeliveryOutcome.Refused;
import io.herald.dispatcher.RetryDecision.DeadLetter;
import io.herald.dispatcher.RetryDecision.Disable;
import io.herald.dispatcher.RetryDecision.Done;
import io.herald.dispatcher.RetryDecision.RetryAt;

class RetryPolicyTest {

    private static final List<Duration> SHORT_SCHEDULE = List.of(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(5));
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(30);

    /** Three retries, no jitter, so that every delay is exact. */
    private final RetryPolicy exact = new RetryPolicy(new DeliveryRetry(SHORT_SCHEDULE, 0, MAX_RETRY_AFTER), new SplittableRandom(1));

    private static HttpFailure failure(int status, Duration retryAfter) {
        return new HttpFailure(status, Optional.of(retryAfter));
    }

    @Nested
    class EachRowOfThePolicy {

        @ParameterizedTest
        @ValueSource(ints = {200, 201, 202, 204, 299})
        void shouldBeDoneOnAny2xx(int status) {
            assertThat(exact.decide(1, new Delivered(status))).isEqualTo(new Done());
            assertThat(exact.decide(4, new Delivered(status))).as("even on the last attempt").isEqualTo(new Done());
        }

        @Test
        void shouldDisableOn410Gone() {
            assertThat(exact.decide(1, new HttpFailure(410))).isEqualTo(new Disable("the endpoint answered 410 Gone"));
            assertThat(exact.decide(4, new HttpFailure(410))).as("even on the last attempt").isInstanceOf(Disable.class);
        }

        @Test
        void shouldDeadLetterARefusalAtOnce() {
            RetryDecision decision = exact.decide(1, new Refused("the endpoint resolves to a private address"));

            assertThat(decision).isEqualTo(new DeadLetter("refused: the endpoint resolves to a private address"));
        }

        @ParameterizedTest
        @ValueSource(ints = {100, 301, 302, 400, 401, 403, 404, 408, 413, 429, 500, 502, 503, 504, 999})
        void shouldRetryAnyOtherStatusByTheSchedule(int status) {
            assertThat(exact.decide(1, new HttpFailure(status))).isEqualTo(new RetryAt(Duration.ofSeconds(10)));
            assertThat(exact.decide(2, new HttpFailure(status))).isEqualTo(new RetryAt(Duration.ofMinutes(1)));
            assertThat(exact.decide(3, new HttpFailure(status))).isEqualTo(new RetryAt(Duration.ofMinutes(5)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"java.net.http.HttpTimeoutException", "java.net.ConnectException",
                "javax.net.ssl.SSLHandshakeException", "java.io.IOException"})
        void shouldRetryNetworkFailuresByTheSchedule(String errorClass) {
            assertThat(exact.decide(1, new NetworkFailure(errorClass))).isEqualTo(new RetryAt(Duration.ofSeconds(10)));
            assertThat(exact.decide(3, new NetworkFailure(errorClass))).isEqualTo(new RetryAt(Duration.ofMinutes(5)));
        }

        @Test
        void shouldDeadLetterOnceTheLastScheduledDelayIsUsed() {
            assertThat(exact.decide(3, new HttpFailure(500))).isInstanceOf(RetryAt.class);
            assertThat(exact.decide(4, new HttpFailure(500)))
                    .isEqualTo(new DeadLetter("gave up after 4 attempts; the last failed with HTTP 500"));
            assertThat(exact.decide(4, new NetworkFailure("java.net.ConnectException")))
                    .isEqualTo(new DeadLetter("gave up after 4 attempts; the last failed with java.net.ConnectException"));
        }

        @Test
        void shouldDeadLetterTheFirstFailureWhenTheScheduleIsEmpty() {
            RetryPolicy noRetries = new RetryPolicy(new DeliveryRetry(List.of(), 0.2, MAX_RETRY_AFTER), new SplittableRandom(1));

            assertThat(noRetries.decide(1, new HttpFailure(503, Optional.of(Duration.ofSeconds(5)))))
                    .isEqualTo(new DeadLetter("gave up after 1 attempt; the last failed with HTTP 503"));
        }

        @Test
        void shouldRefuseAnAttemptCountBelowOne() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> exact.decide(0, new HttpFailure(500)))
                    .withMessage("attemptsMade must be at least 1 but was 0");
        }
    }

    @Nested
    class RetryAfter {

        @ParameterizedTest
        @ValueSource(ints = {429, 503})
        void shouldWaitAsLongAsTheEndpointAsksWhenThatIsLongerThanTheSchedule(int status) {
            assertThat(exact.decide(1, failure(status, Duration.ofMinutes(2)))).isEqualTo(new RetryAt(Duration.ofMinutes(2)));
        }

        @ParameterizedTest
        @ValueSource(ints = {429, 503})
        void shouldKeepTheScheduleWhenTheEndpointAsksForLess(int status) {
            assertThat(exact.decide(3, failure(status, Duration.ofSeconds(30)))).isEqualTo(new RetryAt(Duration.ofMinutes(5)));
            assertThat(exact.decide(1, failure(status, Duration.ZERO))).isEqualTo(new RetryAt(Duration.ofSeconds(10)));
        }

        @Test
        void shouldClampAnExcessiveRetryAfter() {
            assertThat(exact.decide(1, failure(429, Duration.ofDays(3)))).isEqualTo(new RetryAt(MAX_RETRY_AFTER));
            assertThat(exact.decide(1, failure(503, Duration.ofSeconds(Long.MAX_VALUE)))).isEqualTo(new RetryAt(MAX_RETRY_AFTER));
        }

        @Test
        void shouldNeverWaitLessThanTheScheduleEvenWhenTheClampIsShorter() {
            RetryPolicy longSchedule = new RetryPolicy(
                    new DeliveryRetry(List.of(Duration.ofHours(3)), 0, Duration.ofHours(1)), new SplittableRandom(1));

            assertThat(longSchedule.decide(1, failure(429, Duration.ofHours(2)))).isEqualTo(new RetryAt(Duration.ofHours(3)));
        }

        @Test
        void shouldNotLetARetryAfterOnA429OutlastTheSchedule() {
            assertThat(exact.decide(4, failure(429, Duration.ofMinutes(2)))).isInstanceOf(DeadLetter.class);
        }

        @ParameterizedTest
        @ValueSource(ints = {500, 502, 504, 301, 404})
        void shouldIgnoreRetryAfterOnOtherStatuses(int status) {
            assertThat(exact.decide(1, failure(status, Duration.ofMinutes(20)))).isEqualTo(new RetryAt(Duration.ofSeconds(10)));
        }

        @Test
        void shouldIgnoreRetryAfterEntirelyWhenItsClampIsZero() {
            RetryPolicy ignoring = new RetryPolicy(new DeliveryRetry(SHORT_SCHEDULE, 0, Duration.ZERO), new SplittableRandom(1));

            assertThat(ignoring.decide(1, failure(503, Duration.ofMinutes(20)))).isEqualTo(new RetryAt(Duration.ofSeconds(10)));
        }

        @Test
        void shouldNotShortenARetryAfterByJitter() {
            RetryPolicy jittery = new RetryPolicy(
                    new DeliveryRetry(List.of(Duration.ofSeconds(60)), 0.5, Duration.ofHours(1)), new SplittableRandom(7));

            for (int i = 0; i < 1_000; i++) {
                RetryAt retry = (RetryAt) jittery.decide(1, failure(503, Duration.ofSeconds(60)));
                assertThat(retry.delay()).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(90));
            }
        }
    }

    @Nested
    class Jitter {

        private final DeliveryRetry defaults = DeliveryRetry.defaults();

        @Test
        void shouldStayWithinTwentyPercentOfEachScheduledDelayAndUseTheWholeRange() {
            RetryPolicy policy = new RetryPolicy(defaults, new SplittableRandom(42));

            for (int attempt = 1; attempt <= defaults.schedule().size(); attempt++) {
                long scheduled = defaults.schedule().get(attempt - 1).toMillis();
                double lowest = Double.MAX_VALUE;
                double highest = 0;
                for (int draw = 0; draw < 2_000; draw++) {
                    RetryAt retry = (RetryAt) policy.decide(attempt, new HttpFailure(500));
                    double factor = (double) retry.delay().toMillis() / scheduled;
                    lowest = Math.min(lowest, factor);
                    highest = Math.max(highest, factor);
                }
                assertThat(lowest).as("lowest factor, attempt %d", attempt).isBetween(0.8, 0.82);
                assertThat(highest).as("highest factor, attempt %d", attempt).isBetween(1.18, 1.2);
            }
        }

        @Test
        void shouldRepeatItselfForTheSameSeed() {
            List<Duration> first = delays(new RetryPolicy(defaults, new SplittableRandom(99)));
            List<Duration> second = delays(new RetryPolicy(defaults, new SplittableRandom(99)));

            assertThat(first).isEqualTo(second).doesNotContainAnyElementsOf(defaults.schedule());
        }

        @Test
        void shouldJitterWithTheThreadLocalGeneratorByDefault() {
            RetryPolicy policy = new RetryPolicy(defaults);

            for (int i = 0; i < 1_000; i++) {
                RetryAt retry = (RetryAt) policy.decide(1, new NetworkFailure("java.net.ConnectException"));
                assertThat(retry.delay()).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(12));
            }
        }

        private List<Duration> delays(RetryPolicy policy) {
            List<Duration> delays = new ArrayList<>();
            for (int attempt = 1; attempt <= defaults.schedule().size(); attempt++) {
                delays.add(((RetryAt) policy.decide(attempt, new HttpFailure(502))).delay());
            }
            return delays;
        }
    }

    @Nested
    class Settings {

        @Test
        void shouldDefaultToTheDocumentedScheduleJitterAndClamp() {
            DeliveryRetry defaults = DeliveryRetry.defaults();

            assertThat(defaults.schedule()).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(30),
                    Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30),
                    Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(12), Duration.ofHours(12));
            assertThat(defaults.jitter()).isEqualTo(0.2);
            assertThat(defaults.maxRetryAfter()).isEqualTo(Duration.ofHours(1));
        }

        @Test
        void shouldMakeTwelveAttemptsWithTheDefaults() {
            RetryPolicy policy = new RetryPolicy(DeliveryRetry.defaults(), new SplittableRandom(3));

            assertThat(policy.decide(11, new HttpFailure(500))).isInstanceOf(RetryAt.class);
            assertThat(policy.decide(12, new HttpFailure(500)))
                    .isEqualTo(new DeadLetter("gave up after 12 attempts; the last failed with HTTP 500"));
        }

        @Test
        void shouldBindFromConfigurationProperties() {
            DeliveryRetry bound = bind(Map.of(
                    "herald.dispatcher.retry.schedule", "1s,2m",
                    "herald.dispatcher.retry.jitter", "0.1",
                    "herald.dispatcher.retry.max-retry-after", "15m"));

            assertThat(bound).isEqualTo(new DeliveryRetry(List.of(Duration.ofSeconds(1), Duration.ofMinutes(2)), 0.1, Duration.ofMinutes(15)));
        }

        @Test
        void shouldBeBoundAsPartOfTheDispatchersSettings() {
            assertThat(DispatcherProperties.defaults().retry()).isEqualTo(DeliveryRetry.defaults());
        }

        @Test
        void shouldNameABadValueWhenBinding() {
            assertThatThrownBy(() -> bind(Map.of("herald.dispatcher.retry.jitter", "3.0")))
                    .isInstanceOf(BindException.class)
                    .rootCause()
                    .hasMessage("herald.dispatcher.retry.jitter must be between 0 and 1 but was 3.0");
        }

        @ParameterizedTest
        @CsvSource({"-0.1", "1.5", "NaN"})
        void shouldRefuseJitterOutsideZeroToOne(double jitter) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new DeliveryRetry(SHORT_SCHEDULE, jitter, MAX_RETRY_AFTER))
                    .withMessage("herald.dispatcher.retry.jitter must be between 0 and 1 but was " + jitter);
        }

        @Test
        void shouldRefuseADelayThatIsNotPositive() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new DeliveryRetry(List.of(Duration.ofSeconds(10), Duration.ZERO), 0.2, MAX_RETRY_AFTER))
                    .withMessage("herald.dispatcher.retry.schedule[1] must be positive but was PT0S");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new DeliveryRetry(List.of(Duration.ofSeconds(-3)), 0.2, MAX_RETRY_AFTER))
                    .withMessage("herald.dispatcher.retry.schedule[0] must be positive but was PT-3S");
        }

        @Test
        void shouldRefuseANegativeRetryAfterClamp() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new DeliveryRetry(SHORT_SCHEDULE, 0.2, Duration.ofSeconds(-1)))
                    .withMessage("herald.dispatcher.retry.max-retry-after must not be negative but was PT-1S");
        }

        @Test
        void shouldKeepItsOwnCopyOfTheSchedule() {
            List<Duration> schedule = new ArrayList<>(SHORT_SCHEDULE);
            DeliveryRetry settings = new DeliveryRetry(schedule, 0.2, MAX_RETRY_AFTER);

            schedule.clear();

            assertThat(settings.schedule()).isEqualTo(SHORT_SCHEDULE);
            assertThatThrownBy(() -> settings.schedule().add(Duration.ofDays(1))).isInstanceOf(UnsupportedOperationException.class);
        }

        private DeliveryRetry bind(Map<String, String> properties) {
            return new Binder(new MapConfigurationPropertySource(properties))
                    .bindOrCreate("herald.dispatcher.retry", DeliveryRetry.class);
        }
    }

    @Nested
    class Outcomes {

        @Test
        void shouldClassifyAResponseByItsStatus() {
            assertThat(DeliveryOutcome.ofResponse(204, Optional.empty())).isEqualTo(new Delivered(204));
            assertThat(DeliveryOutcome.ofResponse(503, Optional.of(Duration.ofSeconds(5))))
                    .isEqualTo(failure(503, Duration.ofSeconds(5)));
            assertThat(DeliveryOutcome.ofResponse(302, Optional.empty())).isEqualTo(new HttpFailure(302));
        }

        @Test
        void shouldRefuseInconsistentOutcomes() {
            assertThatIllegalArgumentException().isThrownBy(() -> new Delivered(500))
                    .withMessage("a delivered status must be 2xx but was 500");
            assertThatIllegalArgumentException().isThrownBy(() -> new HttpFailure(200))
                    .withMessage("an HTTP failure status must be a three-digit code other than 2xx but was 200");
            assertThatIllegalArgumentException().isThrownBy(() -> new HttpFailure(42));
            assertThatIllegalArgumentException().isThrownBy(() -> failure(503, Duration.ofSeconds(-1)));
            assertThatIllegalArgumentException().isThrownBy(() -> new NetworkFailure(" "));
            assertThatIllegalArgumentException().isThrownBy(() -> new Refused(null));
        }
    }

    @Nested
    class ParsingRetryAfter {

        private final Instant now = Instant.parse("2025-06-01T12:00:00Z");

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "120|120",
                "'  120 '|120",
                "0|0",
                "007|7",
                "86400|86400"})
        void shouldReadDeltaSeconds(String header, long seconds) {
            assertThat(RetryPolicy.parseRetryAfter(header, now)).contains(Duration.ofSeconds(seconds));
        }

        @Test
        void shouldReadAnAbsurdlyLargeDeltaAsVeryLongRatherThanFail() {
            assertThat(RetryPolicy.parseRetryAfter("99999999999999999999999", now)).contains(Duration.ofSeconds(Long.MAX_VALUE));
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "Sun, 01 Jun 2025 12:02:00 GMT",   // IMF-fixdate, the preferred form
                "Sunday, 01-Jun-25 12:02:00 GMT",  // obsolete RFC 850 form
                "Sun Jun  1 12:02:00 2025"})       // obsolete asctime form
        void shouldReadEachFormOfHttpDate(String header) {
            assertThat(RetryPolicy.parseRetryAfter(header, now)).contains(Duration.ofMinutes(2));
        }

        @Test
        void shouldReadATwoDigitYearAsAtMostFiftyYearsAhead() {
            assertThat(RetryPolicy.parseRetryAfter("Saturday, 01-Jun-75 12:00:00 GMT", now))
                    .contains(Duration.between(now, Instant.parse("2075-06-01T12:00:00Z")));
        }

        @Test
        void shouldMeasureADateFromTheGivenInstant() {
            Instant later = now.plusMillis(1_500);

            assertThat(RetryPolicy.parseRetryAfter("Sun, 01 Jun 2025 12:02:00 GMT", later))
                    .contains(Duration.ofMinutes(2).minusMillis(1_500));
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "", "   ", "-5", "+5", "1.5", "5s", "soon", "0x10", "١٢٠",
                "Sun, 01 Jun 2025 11:59:59 GMT",    // in the past
                "Sun, 06 Nov 1994 08:49:37 GMT",    // long past
                "Sunday, 06-Nov-94 08:49:37 GMT",   // 1994, not 2094
                "Mon, 01 Jun 2025 12:02:00 GMT",    // wrong day of the week
                "Sun, 32 Jun 2025 12:02:00 GMT",
                "2025-06-01T12:02:00Z"})
        void shouldIgnoreGarbageNegativeAndPastValues(String header) {
            assertThat(RetryPolicy.parseRetryAfter(header, now)).isEmpty();
        }

        @Test
        void shouldIgnoreAMissingHeader() {
            assertThat(RetryPolicy.parseRetryAfter(null, now)).isEmpty();
        }
    }
}
