package io.herald.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fuzzes the CloudEvents parser from the corpus in {@code src/test/resources/fuzz/cloudevents}: every
 * mutated event is accepted or refused with {@link InvalidEventException}, never any other exception.
 * The seed is fixed (override with {@code -Dherald.fuzz.seed}, the count with
 * {@code -Dherald.fuzz.parser-cases}), so a run is repeatable; a failure names the case's seed and input,
 * which then becomes a named test in {@link CloudEventParserTest}.
 */
class CloudEventParserFuzzTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> CORPUS = List.of("minimal", "app-instance", "with-data", "base64-data", "unicode");
    private static final List<String> ATTRIBUTES = List.of("specversion", "id", "source", "type", "subject", "time",
            "datacontenttype", "dataschema", "data", "data_base64", "resource", "resourceinstance", "alternativesubject",
            "priority", "Bad_Name", "");
    private static final List<String> SPECIAL = List.of("\u0000", "a\u0000b", "\ud800", "x\udc00y", "\u0085\u2028", "\ufffe",
            "1e999", "-0", "0.10000000000000000000000000001", "null", "true", "", " ", "2026-13-40T25:61:61Z",
            "9999-12-31T23:59:59-23:59", "0000-01-01T00:00:00Z", "2026-11-27t10:15:30.123456789z", "urn:", "%ZZ", "a b",
            "http://[::1", "data:,", "====", "AAEC", "application/json; charset=\"utf-8\"", "a/b;c", "/party/1");
    private static final long SEED = Long.getLong("herald.fuzz.seed", 20261206L);
    private static final int CASES = Integer.getInteger("herald.fuzz.parser-cases", 5_000);

    /** Small enough that generated values reach the size and length limits. */
    private final CloudEventParser parser = new CloudEventParser(new EventLimits(4096, 256));

    @Test
    void shouldAcceptOrRefuseEveryMutatedEventWithInvalidEventExceptionOnly() {
        SplittableRandom seeds = new SplittableRandom(SEED);
        for (int i = 0; i < CASES; i++) {
            long caseSeed = seeds.nextLong();
            SplittableRandom random = new SplittableRandom(caseSeed);
            JsonNode event = corpus(pick(random, CORPUS));
            for (int m = 1 + random.nextInt(4); m > 0; m--) {
                event = mutate(random, event);
            }
            acceptedOrRefused(caseSeed, event);
        }
    }

    @Test
    void shouldReadEveryMutatedTextAsJsonOrJacksonExceptionAndThenParseOrRefuseIt() {
        SplittableRandom seeds = new SplittableRandom(SEED + 1);
        for (int i = 0; i < CASES; i++) {
            long caseSeed = seeds.nextLong();
            SplittableRandom random = new SplittableRandom(caseSeed);
            String text = JSON.writeValueAsString(corpus(pick(random, CORPUS)));
            for (int e = 1 + random.nextInt(3); e > 0; e--) {
                text = edit(random, text);
            }
            JsonNode tree;
            try {
                tree = JSON.readTree(text);
            } catch (JacksonException malformed) {
                continue; // malformed JSON: the API answers 400 malformed-json before the parser sees it
            } catch (RuntimeException e) {
                throw new AssertionError("case seed " + caseSeed + ": reading " + text + " threw " + e, e);
            }
            acceptedOrRefused(caseSeed, tree);
        }
    }

    private void acceptedOrRefused(long caseSeed, JsonNode event) {
        IncomingEvent parsed;
        try {
            parsed = parser.parse(event);
        } catch (InvalidEventException e) {
            assertThat(e.errors()).as("case seed %d", caseSeed).isNotEmpty();
            return;
        } catch (RuntimeException e) {
            throw new AssertionError("case seed " + caseSeed + ": parsing " + event + " threw " + e, e);
        }
        String json = parsed.json();
        if (json.getBytes(StandardCharsets.UTF_8).length > 4096 || TextChecks.unpairedSurrogate(json) >= 0
                || json.indexOf('\u0000') >= 0 && !json.contains("\\u0000")) {
            fail("case seed " + caseSeed + ": accepted an event that cannot be stored: " + json);
        }
    }

    private static JsonNode mutate(SplittableRandom random, JsonNode node) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return value(random, 2);
        }
        if (!(node instanceof ObjectNode object)) {
            return node;
        }
        if (kind < 3) {
            object.remove(pick(random, ATTRIBUTES));
        } else {
            object.set(name(random), value(random, 3));
        }
        return object;
    }

    private static String edit(SplittableRandom random, String text) {
        int at = random.nextInt(text.length() + 1);
        String inserted = text(random);
        return switch (random.nextInt(4)) {
            case 0 -> text.substring(0, at) + inserted + text.substring(at);
            case 1 -> text.substring(0, at) + text.substring(Math.min(text.length(), at + 1 + random.nextInt(8)));
            case 2 -> text.substring(0, at) + inserted + text.substring(Math.min(text.length(), at + inserted.length()));
            default -> text.substring(0, at);
        };
    }

    private static String name(SplittableRandom random) {
        return switch (random.nextInt(3)) {
            case 0 -> pick(random, ATTRIBUTES);
            case 1 -> "a".repeat(60 + random.nextInt(10));
            default -> text(random);
        };
    }

    private static String text(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> pick(random, SPECIAL);
            case 1 -> "x".repeat(200 + random.nextInt(5000));
            default -> {
                var text = new StringBuilder();
                for (int n = random.nextInt(20); n > 0; n--) {
                    // mostly ASCII, with controls, the BMP edge and lone surrogates mixed in
                    text.append((char) (random.nextInt(4) == 0 ? random.nextInt(0x10000) : random.nextInt(0x80)));
                }
                yield text.toString();
            }
        };
    }

    private static JsonNode value(SplittableRandom random, int depth) {
        int kind = random.nextInt(depth > 0 ? 10 : 8);
        return switch (kind) {
            case 0, 1, 2 -> NODES.stringNode(text(random));
            case 3 -> NODES.numberNode(random.nextLong());
            case 4 -> NODES.numberNode(new BigDecimal(pick(random, List.of("1e999", "-1e-999", "123456789012345678901234567890", "-0"))));
            case 5 -> NODES.numberNode(Double.longBitsToDouble(random.nextLong()));
            case 6 -> NODES.booleanNode(random.nextBoolean());
            case 7 -> NODES.nullNode();
            case 8 -> {
                ArrayNode array = NODES.arrayNode();
                for (int n = random.nextInt(4); n > 0; n--) {
                    array.add(value(random, depth - 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int n = random.nextInt(4); n > 0; n--) {
                    object.set(name(random), value(random, depth - 1));
                }
                yield object;
            }
        };
    }

    private static <T> T pick(SplittableRandom random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static JsonNode corpus(String name) {
        try (InputStream in = CloudEventParserFuzzTest.class.getResourceAsStream("/fuzz/cloudevents/" + name + ".json")) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
