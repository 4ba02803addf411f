package io.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

/**
 * Sends {@code herald.fuzz.requests} (default 10,000) seeded, fuzzed requests (see {@link HttpFuzzer})
 * to Herald running on a random port against the real PostgreSQL: none may be answered with a 5xx,
 * and every one must be answered. The seed is fixed ({@code -Dherald.fuzz.seed} changes it), so a
 * failure is reproduced by its seed; each one found becomes a named test in {@link FuzzRegressionIT}.
 * The request rate limit is off here, or most requests would only ever meet a 429.
 */
@TestPropertySource(properties = "herald.rate-limit.enabled=false")
@ExtendWith(OutputCaptureExtension.class)
class HttpApiFuzzIT extends ApiTestSupport {

    private static final long SEED = Long.getLong("herald.fuzz.seed", 20261206L);
    private static final int REQUESTS = Integer.getInteger("herald.fuzz.requests", 10_000);
    /** Requests in flight at once; the order they are answered in does not change what each one tests. */
    private static final int THREADS = Integer.getInteger("herald.fuzz.threads", 4);

    @Test
    void shouldAnswerEveryFuzzedRequestWithoutA5xx(CapturedOutput output) throws Exception {
        int logBefore = output.getOut().length();
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("publisher", identityToken(Map.of("org", TEST_AGENCY), PUBLISH, SUBSCRIBE));
        tokens.put("reader", agencyToken("skd"));
        tokens.put("person", identityToken(Map.of("pid", "01017012345", "partyId", "50001"), SUBSCRIBE, PUBLISH));
        tokens.put("admin", token("altinn:events.admin", SUBSCRIBE));
        HttpFuzzer fuzzer = new HttpFuzzer(tokens);

        SplittableRandom seeds = new SplittableRandom(SEED);
        long[] requestSeeds = LongStream.generate(seeds::nextLong).limit(REQUESTS).toArray();
        Map<Integer, Integer> statuses = new ConcurrentSkipListMap<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (long seed : requestSeeds) {
                sent.add(clients.submit(() -> {
                    HttpFuzzer.Request request = fuzzer.request(seed);
                    Response response;
                    try {
                        response = RawHttp.exchange(port, request.head(), request.body());
                    } catch (RuntimeException e) {
                        failures.add("no answer (" + e + ") to " + request);
                        return;
                    }
                    statuses.merge(response.status(), 1, Integer::sum);
                    if (response.status() >= 500) {
                        failures.add(response.status() + " " + cut(response.body()) + " to " + request);
                    }
                }));
            }
            for (Future<?> request : sent) {
                request.get();
            }
        } finally {
            clients.shutdownNow();
        }

        System.out.println("Fuzzed " + REQUESTS + " requests from seed " + SEED + ": answers by status " + statuses);
        assertThat(failures).as("answers by status %s", statuses).isEmpty();
        List<String> traces = output.getOut().substring(logBefore).lines()
                .filter(line -> line.contains(" ERROR ") || line.startsWith("\tat ")).limit(20).toList();
        assertThat(traces).as("bad input is logged in one line, never as an error with a stack trace").isEmpty();
    }

    private static String cut(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
