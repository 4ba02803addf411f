package io.herald.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class CloudEventParserTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_EVENT_BYTES = 2048;
    private static final int MAX_ATTRIBUTE_LENGTH = 64;

    private final CloudEventParser parser = new CloudEventParser(new EventLimits(MAX_EVENT_BYTES, MAX_ATTRIBUTE_LENGTH));

    /** The smallest valid event, with a fixed id so that two calls build the same content. */
    private static ObjectNode minimal() {
        ObjectNode node = JSON.createObjectNode();
        node.put("specversion", "1.0");
        node.put("id", "e-1");
        node.put("source", "https://apps.example/ttd/test");
        node.put("type", "app.instance.created");
        node.put("resource", "urn:altinn:resource:app_ttd_test");
        return node;
    }

    private static JsonNode tree(String json) {
        return JSON.readTree(json);
    }

    private InvalidEventException rejection(JsonNode node) {
        InvalidEventException e = catchThrowableOfType(InvalidEventException.class, () -> parser.parse(node));
        assertThat(e).as("parsing %s should fail", node).isNotNull();
        return e;
    }

    private List<String> rejectedFields(JsonNode node) {
        return rejection(node).errors().stream().map(FieldError::field).toList();
    }

    @Nested
    class AValidEvent {

        @Test
        void shouldParseAMinimalEvent() {
            IncomingEvent event = parser.parse(minimal());

            assertThat(event.key()).isEqualTo(new EventKey("https://apps.example/ttd/test", "e-1"));
            assertThat(event.type()).isEqualTo("app.instance.created");
            assertThat(event.resource()).isEqualTo("urn:altinn:resource:app_ttd_test");
            assertThat(event.subject()).isNull();
            assertThat(event.alternativeSubject()).isNull();
            assertThat(event.resourceInstance()).isNull();
            assertThat(event.instanceId()).isNull();
            assertThat(event.time()).isNull();
            assertThat(event.contentHash()).hasSize(32);
        }

        @Test
        void shouldKeepTheEventAsCompactJsonThatRoundTrips() {
            ObjectNode node = minimal();

            IncomingEvent event = parser.parse(node);

            assertThat(tree(event.json())).isEqualTo(node);
            assertThat(event.json()).isEqualTo(JSON.writeValueAsString(node)).doesNotContain("\n", " ");
        }

        @Test
        void shouldDeriveTheInstanceIdFromTheLastSegmentOfResourceInstance() {
            ObjectNode node = minimal();
            node.put("resourceinstance", "501/6d6a6a5e-2e9f-4c43-9cf9-0bb1a2bd8b26");

            IncomingEvent event = parser.parse(node);

            assertThat(event.resourceInstance()).isEqualTo("501/6d6a6a5e-2e9f-4c43-9cf9-0bb1a2bd8b26");
            assertThat(event.instanceId()).isEqualTo("6d6a6a5e-2e9f-4c43-9cf9-0bb1a2bd8b26");
        }

        @Test
        void shouldUseAResourceInstanceWithoutSlashAsTheInstanceId() {
            ObjectNode node = minimal();
            node.put("resourceinstance", "guid");

            assertThat(parser.parse(node).instanceId()).isEqualTo("guid");
        }

        @Test
        void shouldAcceptAndKeepEveryOptionalAttribute() {
            ObjectNode node = minimal();
            node.put("subject", "/party/501");
            node.put("alternativesubject", "/person/01017012345");
            node.put("resourceinstance", "501/guid");
            node.put("time", "2026-11-27T10:15:30.123+01:00");
            node.put("datacontenttype", "application/json; charset=utf-8");
            node.put("dataschema", "https://schemas.example/instance/v1.json");
            node.putObject("data").put("state", "created").put("count", 3);
            node.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
            node.put("priority", 7);
            node.put("weight", 0.5);
            node.put("urgent", true);

            IncomingEvent event = parser.parse(node);

            assertThat(event.subject()).isEqualTo("/party/501");
            assertThat(event.alternativeSubject()).isEqualTo("/person/01017012345");
            assertThat(event.resourceInstance()).isEqualTo("501/guid");
            assertThat(event.instanceId()).isEqualTo("guid");
            assertThat(event.time()).isEqualTo(Instant.parse("2026-11-27T09:15:30.123Z"));
            assertThat(tree(event.json())).isEqualTo(node);
        }

        @Test
        void shouldAcceptATimeInUtcWrittenWithZ() {
            ObjectNode node = minimal();
            node.put("time", "2026-11-27T10:15:30Z");

            assertThat(parser.parse(node).time()).isEqualTo(Instant.parse("2026-11-27T10:15:30Z"));
        }

        /** RFC 3339 section 5.6: "T" and "Z" may be written in lower case. */
        @Test
        void shouldAcceptATimeWithLowerCaseTAndZ() {
            ObjectNode node = minimal();
            node.put("time", "2026-11-27t10:15:30z");

            assertThat(parser.parse(node).time()).isEqualTo(Instant.parse("2026-11-27T10:15:30Z"));
        }

        @Test
        void shouldAcceptATimeWithANegativeOffset() {
            ObjectNode node = minimal();
            node.put("time", "2026-11-27T10:15:30-05:30");

            assertThat(parser.parse(node).time()).isEqualTo(Instant.parse("2026-11-27T15:45:30Z"));
        }

        @Test
        void shouldAcceptDataBase64AndKeepItInTheJson() {
            ObjectNode node = minimal();
            node.put("datacontenttype", "application/octet-stream");
            node.put("data_base64", "SGVyYWxkIGV2ZW50cw==");

            IncomingEvent event = parser.parse(node);

            assertThat(tree(event.json()).get("data_base64").stringValue()).isEqualTo("SGVyYWxkIGV2ZW50cw==");
        }

        @Test
        void shouldAcceptDataOfAnyJsonType() {
            for (String data : List.of("\"text\"", "42", "true", "[1,2]", "{\"a\":{\"b\":null}}", "null")) {
                ObjectNode node = minimal();
                node.set("data", tree(data));

                assertThat(tree(parser.parse(node).json()).get("data")).as(data).isEqualTo(tree(data));
            }
        }

        @Test
        void shouldAcceptExtensionAttributesWithStringNumberAndBooleanValues() {
            ObjectNode node = minimal();
            node.put("partitionkey", "501");
            node.put("sequence", 12345678901L);
            node.put("ratio", 1.25);
            node.put("replayed", false);
            node.put("x1", "digits are allowed");

            IncomingEvent event = parser.parse(node);

            JsonNode kept = tree(event.json());
            assertThat(kept.get("partitionkey").stringValue()).isEqualTo("501");
            assertThat(kept.get("sequence").longValue()).isEqualTo(12345678901L);
            assertThat(kept.get("ratio").doubleValue()).isEqualTo(1.25);
            assertThat(kept.get("replayed").booleanValue()).isFalse();
            assertThat(kept.get("x1").stringValue()).isEqualTo("digits are allowed");
        }

        @Test
        void shouldAcceptAnExtensionNameOfSixtyFourCharacters() {
            ObjectNode node = minimal();
            node.put("a".repeat(64), "v");

            assertThat(parser.parse(node).json()).contains("a".repeat(64));
        }

        @ParameterizedTest
        @ValueSource(strings = {"/ttd/test", "urn:altinn:app:ttd:test", "https://apps.example/ttd/test?x=1#f", "relative"})
        void shouldAcceptASourceThatIsAUriReference(String source) {
            ObjectNode node = minimal();
            node.put("source", source);

            assertThat(parser.parse(node).key().source()).isEqualTo(source);
        }

        @Test
        void shouldAcceptAttributesOfExactlyTheMaximumLength() {
            ObjectNode node = minimal();
            node.put("id", "i".repeat(MAX_ATTRIBUTE_LENGTH));
            node.put("subject", "s".repeat(MAX_ATTRIBUTE_LENGTH));

            assertThat(parser.parse(node).key().id()).hasSize(MAX_ATTRIBUTE_LENGTH);
        }

        @Test
        void shouldAcceptAnEventOfExactlyTheMaximumSize() {
            ObjectNode node = eventOfSize(MAX_EVENT_BYTES);

            assertThat(parser.parse(node).json().getBytes(StandardCharsets.UTF_8)).hasSize(MAX_EVENT_BYTES);
        }
    }

    @Nested
    class TheContentHash {

        @Test
        void shouldBeEqualForTheSameAttributesInAnotherOrder() {
            ObjectNode forward = minimal();
            forward.put("subject", "/party/501");
            forward.put("priority", 7);
            forward.putObject("data").put("a", 1).put("b", "two");

            ObjectNode backward = JSON.createObjectNode();
            backward.putObject("data").put("a", 1).put("b", "two");
            backward.put("priority", 7);
            backward.put("subject", "/party/501");
            backward.put("resource", "urn:altinn:resource:app_ttd_test");
            backward.put("type", "app.instance.created");
            backward.put("source", "https://apps.example/ttd/test");
            backward.put("id", "e-1");
            backward.put("specversion", "1.0");

            IncomingEvent first = parser.parse(forward);
            IncomingEvent second = parser.parse(backward);

            assertThat(first.json()).isNotEqualTo(second.json());
            assertThat(first.contentHash()).isEqualTo(second.contentHash());
        }

        @Test
        void shouldBeEqualWhenTheDataObjectHasItsPropertiesInAnotherOrder() {
            ObjectNode forward = minimal();
            forward.putObject("data").put("a", 1).put("b", "two");
            ObjectNode backward = minimal();
            backward.putObject("data").put("b", "two").put("a", 1);

            assertThat(parser.parse(forward).contentHash()).isEqualTo(parser.parse(backward).contentHash());
        }

        /**
         * The hash is stored with every key, so its definition may never change: SHA-256 over the event's UTF-8
         * JSON with the members of every object, nested ones too, in sorted order and no whitespace.
         */
        @Test
        void shouldHashTheEventWithItsMembersSortedAsEveryStoredKeyWasHashed() throws Exception {
            ObjectNode event = JSON.createObjectNode();
            event.put("specversion", "1.0").put("type", "app.instance.created").put("source", "https://apps.example/ttd/x")
                    .put("id", "e-1").put("resource", "urn:altinn:resource:app_ttd_x");
            ObjectNode data = event.putObject("data").put("b", 1).put("a", "ø");
            data.putArray("c").addObject().put("z", true).putNull("y");
            String canonical = "{\"data\":{\"a\":\"ø\",\"b\":1,\"c\":[{\"y\":null,\"z\":true}]},\"id\":\"e-1\","
                    + "\"resource\":\"urn:altinn:resource:app_ttd_x\",\"source\":\"https://apps.example/ttd/x\","
                    + "\"specversion\":\"1.0\",\"type\":\"app.instance.created\"}";

            assertThat(parser.parse(event).contentHash()).isEqualTo(
                    java.security.MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        }

        @Test
        void shouldBeEqualForTheSameEventParsedTwice() {
            assertThat(parser.parse(minimal()).contentHash()).isEqualTo(parser.parse(minimal()).contentHash());
        }

        @Test
        void shouldDifferWhenAnyValueDiffers() {
            byte[] original = parser.parse(withData()).contentHash();

            for (String attribute : List.of("id", "source", "type", "resource", "subject", "partitionkey")) {
                ObjectNode changed = withData();
                changed.put(attribute, changed.get(attribute).stringValue() + "x");
                assertThat(parser.parse(changed).contentHash()).as(attribute).isNotEqualTo(original);
            }
            ObjectNode changedData = withData();
            changedData.putObject("data").put("state", "deleted");
            assertThat(parser.parse(changedData).contentHash()).as("data").isNotEqualTo(original);

            ObjectNode changedType = withData();
            changedType.put("priority", "7");
            assertThat(parser.parse(changedType).contentHash()).as("priority as string").isNotEqualTo(original);
        }

        @Test
        void shouldDifferWhenAnAttributeIsAdded() {
            ObjectNode more = minimal();
            more.put("subject", "/party/501");

            assertThat(parser.parse(more).contentHash()).isNotEqualTo(parser.parse(minimal()).contentHash());
        }

        private static ObjectNode withData() {
            ObjectNode node = minimal();
            node.put("subject", "/party/501");
            node.put("partitionkey", "p");
            node.put("priority", 7);
            node.putObject("data").put("state", "created");
            return node;
        }
    }

    @Nested
    class AnInvalidEvent {

        /** Found while documenting the API: PostgreSQL refuses NUL in text, which failed a whole commit group. */
        @ParameterizedTest
        @ValueSource(strings = {"id", "type", "subject", "traceparent"})
        void shouldRejectTheNulCharacterInAnAttribute(String attribute) {
            ObjectNode node = minimal();
            node.put(attribute, "a\u0000b");

            assertThat(rejectedFields(node)).containsExactly(attribute);
        }

        /** Found while documenting the API: an unpaired surrogate was stored as '?', changing the event. */
        @Test
        void shouldRejectAnUnpairedSurrogateAnywhereInTheEvent() {
            ObjectNode node = minimal();
            node.putObject("data").put("text", "broken \ud800 text");

            InvalidEventException e = rejection(node);

            assertThat(e.errors()).extracting(FieldError::field).containsExactly("");
            assertThat(e.getMessage()).contains("surrogate").doesNotStartWith(":");
        }

        @Test
        void shouldAcceptAPairedSurrogateSuchAsAnEmoji() {
            ObjectNode node = minimal();
            node.put("subject", "party \ud83d\ude00");

            assertThat(parser.parse(node).subject()).isEqualTo("party \ud83d\ude00");
        }


        @ParameterizedTest
        @ValueSource(strings = {"[]", "[{\"id\":\"1\"}]", "\"event\"", "42", "true", "null"})
        void shouldRejectAnythingButAnObjectWithTheEmptyFieldName(String json) {
            InvalidEventException e = rejection(tree(json));

            assertThat(e.errors()).extracting(FieldError::field).containsExactly("");
            assertThat(e.errors().get(0).message()).contains("JSON object");
            assertThat(e.tooLarge()).isFalse();
        }

        @Test
        void shouldRejectANullNode() {
            assertThat(rejectedFields(null)).containsExactly("");
        }

        @ParameterizedTest
        @ValueSource(strings = {"specversion", "id", "source", "type", "resource"})
        void shouldRejectAMissingRequiredAttribute(String attribute) {
            ObjectNode node = minimal();
            node.remove(attribute);

            InvalidEventException e = rejection(node);

            assertThat(e.errors()).containsExactly(new FieldError(attribute, "is required"));
            assertThat(e.tooLarge()).isFalse();
        }

        @ParameterizedTest
        @ValueSource(strings = {"specversion", "id", "source", "type", "resource"})
        void shouldRejectARequiredAttributeThatIsNull(String attribute) {
            ObjectNode node = minimal();
            node.putNull(attribute);

            assertThat(rejection(node).errors()).containsExactly(new FieldError(attribute, "is required"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"0.3", "1", "1.0.0", "2.0"})
        void shouldRejectASpecversionOtherThanOnePointZero(String specversion) {
            ObjectNode node = minimal();
            node.put("specversion", specversion);

            InvalidEventException e = rejection(node);

            assertThat(e.errors()).extracting(FieldError::field).containsExactly("specversion");
            assertThat(e.errors().get(0).message()).contains("1.0", specversion);
        }

        @Test
        void shouldRejectASpecversionGivenAsANumber() {
            ObjectNode node = minimal();
            node.put("specversion", 1.0);

            assertThat(rejectedFields(node)).containsExactly("specversion");
        }

        @Test
        void shouldRejectAnIdThatIsNotAString() {
            ObjectNode node = minimal();
            node.put("id", 42);

            InvalidEventException e = rejection(node);

            assertThat(e.errors()).extracting(FieldError::field).containsExactly("id");
            assertThat(e.errors().get(0).message()).contains("must be a string");
        }

        @Test
        void shouldRejectAnIdThatIsAnObject() {
            ObjectNode node = minimal();
            node.putObject("id").put("value", "e-1");

            assertThat(rejectedFields(node)).containsExactly("id");
        }

        @Test
        void shouldRejectAnEmptyId() {
            ObjectNode node = minimal();
            node.put("id", "");

            assertThat(rejection(node).errors()).containsExactly(new FieldError("id", "must not be empty"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"http://exa mple.com/ bad", "::", "https://apps.example/%zz", "a b"})
        void shouldRejectASourceThatIsNotAUriReference(String source) {
            ObjectNode node = minimal();
            node.put("source", source);

            InvalidEventException e = rejection(node);

            assertThat(e.errors()).extracting(FieldError::field).containsExactly("source");
            assertThat(e.errors().get(0).message()).contains("URI reference", source);
        }

        @ParameterizedTest
        @ValueSource(strings = {"app_ttd_test", "/resources/app_ttd_test", "//host/path", "not a uri"})
        void shouldRejectAResourceThatIsNotAnAbsoluteUri(String resource) {
            ObjectNode node = minimal();
            node.put("resource", resource);

            InvalidEventException e = rejection(node);

            assertThat(e.errors()).extracting(FieldError::field).containsExactly("resource");
            assertThat(e.errors().get(0).message()).contains("absolute URI", resource);
        }

        @ParameterizedTest
        @ValueSource(strings = {"yesterday", "2026-11-27 10:00", "2026-11-27", "2026-11-27T10:15:30",
                "2026-11-27T25:00:00Z", "2026-02-30T10:00:00Z", "1764238530", "2026-13-01T10:00:00Z",
                "2026-04-31T10:00:00Z", "2026-11-27T23:59:60Z", "2026-11-27T10:60:00Z", "2026-11-27T10:15:30+19:00",
                "2026-11-27T10:15:30+05:60", "2026-00-10T10:00:00Z", "2026-11-00T10:00:00Z"})
        void shouldRejectATimeThatIsNotRfc3339(String time) {
            ObjectNode node = minimal();
            node.put("time", time);

            InvalidEventException e = rejection(node);

            assertThat(e.errors()).extracting(FieldError::field).containsExactly("time");
            assertThat(e.errors().get(0).message()).contains("RFC 3339", time);
        }

        /**
         * The time is read by position rather than by {@code DateTimeFormatter.ISO_OFFSET_DATE_TIME}: both agree on
         * 20,000 seeded timestamps of the RFC 3339 shape, fields out of range among them (both refuse those).
         */
        @Test
        void shouldReadTimesAsTheIsoFormatterDoes() {
            var random = new java.util.Random(20261206);
            for (int i = 0; i < 20_000; i++) {
                String fraction = random.nextInt(3) == 0 ? "" : "." + "123456789".substring(0, 1 + random.nextInt(9));
                String zone = switch (random.nextInt(4)) {
                    case 0 -> "Z";
                    case 1 -> "z";
                    default -> String.format("%s%02d:%02d", random.nextBoolean() ? "+" : "-", random.nextInt(20), random.nextInt(62));
                };
                String text = String.format("%04d-%02d-%02d%s%02d:%02d:%02d%s%s", random.nextInt(10_000), random.nextInt(14),
                        random.nextInt(33), random.nextBoolean() ? "T" : "t", random.nextInt(25), random.nextInt(61),
                        random.nextInt(61), fraction, zone);
                Instant expected;
                try {
                    expected = java.time.OffsetDateTime.parse(text.toUpperCase(java.util.Locale.ROOT),
                            java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
                } catch (java.time.format.DateTimeParseException e) {
                    expected = null;
                }
                Instant read;
                try {
                    read = CloudEventParser.rfc3339(text);
                } catch (java.time.DateTimeException e) {
                    read = null;
                }
                assertThat(read).as(text).isEqualTo(expected);
            }
        }

        /**
         * The shape of a time is checked by position, as the regular expression it replaced checked it: both agree on
         * 50,000 seeded texts, each an RFC 3339 time with one to three characters replaced, inserted or removed.
         */
        @Test
        void shouldCheckTheShapeOfATimeAsTheRegularExpressionItReplaced() {
            var pattern = java.util.regex.Pattern.compile(
                    "\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");
            String[] seeds = {"2026-11-27T10:15:30Z", "2026-11-27t10:15:30.123456789z", "2026-11-27T10:15:30.1+01:00",
                    "2026-11-27T10:15:30-05:30"};
            String alphabet = "0123456789-:.+TtZz x٣";
            var random = new java.util.Random(20261207);
            int accepted = 0;
            for (int i = 0; i < 50_000; i++) {
                StringBuilder text = new StringBuilder(seeds[random.nextInt(seeds.length)]);
                for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                    int at = random.nextInt(text.length() + 1);
                    char c = alphabet.charAt(random.nextInt(alphabet.length()));
                    switch (random.nextInt(3)) {
                        case 0 -> text.insert(at, c);
                        case 1 -> { if (at < text.length()) text.deleteCharAt(at); }
                        default -> { if (at < text.length()) text.setCharAt(at, c); }
                    }
                }
                boolean expected = pattern.matcher(text).matches();
                assertThat(CloudEventParser.isRfc3339(text.toString())).as(text.toString()).isEqualTo(expected);
                accepted += expected ? 1 : 0;
            }
            assertThat(accepted).as("texts of the right shape among those tried").isGreaterThan(1_000);
        }

        /** RFC 3339 requires seconds: {@code partial-time = time-hour ":" time-minute ":" time-second [time-secfrac]}. */
        @ParameterizedTest
        @ValueSource(strings = {"2026-11-27T10:15Z", "2026-11-27T10:15+01:00"})
        void shouldRejectATimeWithoutSeconds(String time) {
            ObjectNode node = minimal();
            node.put("time", time);

            assertThat(rejectedFields(node)).containsExactly("time");
        }

        @Test
        void shouldRejectATimeGivenAsANumber() {
            ObjectNode node = minimal();
            node.put("time", 1764238530L);

            assertThat(rejectedFields(node)).containsExactly("time");
        }

        @ParameterizedTest
        @ValueSource(strings = {"json", "application/", "/json", "text/plain; charset=\"utf-8", "application/json; =utf-8"})
        void shouldRejectADatacontenttypeThatIsNotAMediaType(String contentType) {
            ObjectNode node = minimal();
            node.put("datacontenttype", contentType);

            InvalidEventException e = rejection(node);

            assertThat(e.errors()).extracting(FieldError::field).containsExactly("datacontenttype");
            assertThat(e.errors().get(0).message()).contains("media type", contentType);
        }

        /** RFC 2045: {@code parameter := attribute "=" value}; a parameter without a value is not a media type. */
        @Test
        void shouldRejectADatacontenttypeWithAParameterWithoutAValue() {
            ObjectNode node = minimal();
            node.put("datacontenttype", "text/plain; charset");

            assertThat(rejectedFields(node)).containsExactly("datacontenttype");
        }

        @ParameterizedTest
        @ValueSource(strings = {"schemas/instance.json", "/schemas/instance.json", "//schemas.example/v1"})
        void shouldRejectADataschemaThatIsNotAnAbsoluteUri(String dataschema) {
            ObjectNode node = minimal();
            node.put("dataschema", dataschema);

            InvalidEventException e = rejection(node);

            assertThat(e.errors()).extracting(FieldError::field).containsExactly("dataschema");
            assertThat(e.errors().get(0).message()).contains("absolute URI", dataschema);
        }

        @Test
        void shouldRejectDataTogetherWithDataBase64() {
            ObjectNode node = minimal();
            node.put("data", "text");
            node.put("data_base64", "dGV4dA==");

            InvalidEventException e = rejection(node);

            assertThat(e.errors()).extracting(FieldError::field).containsExactly("data_base64");
            assertThat(e.errors().get(0).message()).contains("together with data");
        }

        @ParameterizedTest
        @ValueSource(strings = {"not base64!", "dGV4dA=x", "a", "dGV4\ndA=="})
        void shouldRejectDataBase64ThatIsNotBase64(String base64) {
            ObjectNode node = minimal();
            node.put("data_base64", base64);

            InvalidEventException e = rejection(node);

            assertThat(e.errors()).extracting(FieldError::field).containsExactly("data_base64");
            assertThat(e.errors().get(0).message()).contains("base64");
        }

        @Test
        void shouldRejectDataBase64ThatIsNotAString() {
            ObjectNode node = minimal();
            node.putObject("data_base64");

            assertThat(rejectedFields(node)).containsExactly("data_base64");
        }

        @ParameterizedTest
        @ValueSource(strings = {"partitionKey", "PRIORITY", "trace-parent", "trace_parent", "trace.parent", "sp ace", "æøå"})
        void shouldRejectAnExtensionNameThatIsNotLowerCaseLettersAndDigits(String name) {
            ObjectNode node = minimal();
            node.put(name, "value");

            InvalidEventException e = rejection(node);

            assertThat(e.errors()).extracting(FieldError::field).containsExactly(name);
            assertThat(e.errors().get(0).message()).contains("not a valid attribute name");
        }

        @Test
        void shouldRejectAnExtensionNameLongerThanSixtyFourCharacters() {
            ObjectNode node = minimal();
            node.put("a".repeat(65), "value");

            assertThat(rejectedFields(node)).containsExactly("a".repeat(65));
        }

        @Test
        void shouldRejectAnExtensionValueThatIsAnObject() {
            ObjectNode node = minimal();
            node.putObject("context").put("a", 1);

            InvalidEventException e = rejection(node);

            assertThat(e.errors()).extracting(FieldError::field).containsExactly("context");
            assertThat(e.errors().get(0).message()).contains("string, number or boolean");
        }

        @Test
        void shouldRejectAnExtensionValueThatIsAnArray() {
            ObjectNode node = minimal();
            node.putArray("tags").add("a").add("b");

            assertThat(rejectedFields(node)).containsExactly("tags");
        }

        @ParameterizedTest
        @ValueSource(strings = {"id", "source", "type", "subject", "alternativesubject", "resourceinstance", "traceparent"})
        void shouldRejectAnAttributeLongerThanTheMaximumLength(String attribute) {
            ObjectNode node = minimal();
            String prefix = attribute.equals("source") ? "/" : "";
            node.put(attribute, prefix + "a".repeat(MAX_ATTRIBUTE_LENGTH + 1 - prefix.length()));

            InvalidEventException e = rejection(node);

            assertThat(e.errors()).extracting(FieldError::field).containsExactly(attribute);
            assertThat(e.errors().get(0).message())
                    .contains(String.valueOf(MAX_ATTRIBUTE_LENGTH), String.valueOf(MAX_ATTRIBUTE_LENGTH + 1));
            assertThat(e.tooLarge()).isFalse();
        }

        @Test
        void shouldRejectAResourceLongerThanTheMaximumLength() {
            ObjectNode node = minimal();
            node.put("resource", "urn:" + "a".repeat(MAX_ATTRIBUTE_LENGTH));

            assertThat(rejectedFields(node)).containsExactly("resource");
        }

        @Test
        void shouldRejectAnEventLargerThanTheMaximumSizeAsTooLarge() {
            ObjectNode node = eventOfSize(MAX_EVENT_BYTES + 1);

            InvalidEventException e = rejection(node);

            assertThat(e.tooLarge()).isTrue();
            assertThat(e.errors()).extracting(FieldError::field).containsExactly("");
            assertThat(e.errors().get(0).message())
                    .contains(String.valueOf(MAX_EVENT_BYTES), String.valueOf(MAX_EVENT_BYTES + 1));
        }

        @Test
        void shouldCountTheSizeInUtf8Bytes() {
            ObjectNode node = minimal();
            String json = JSON.writeValueAsString(node);
            // "ø" is two bytes in UTF-8: the characters fit, the bytes do not
            int room = MAX_EVENT_BYTES - json.length() - ",\"data\":\"\"".length();
            node.put("data", "ø".repeat(room / 2 + 1));

            assertThat(JSON.writeValueAsString(node).length()).isLessThanOrEqualTo(MAX_EVENT_BYTES);
            assertThat(rejection(node).tooLarge()).isTrue();
        }

        @Test
        void shouldNotMarkOtherRejectionsAsTooLarge() {
            ObjectNode node = minimal();
            node.remove("id");
            node.put("time", "yesterday");

            assertThat(rejection(node).tooLarge()).isFalse();
        }

        @Test
        void shouldReportEveryBrokenRuleTogether() {
            ObjectNode node = JSON.createObjectNode();
            node.put("specversion", "0.3");
            node.put("source", "::");
            node.put("type", 7);
            node.put("resource", "relative");
            node.put("time", "yesterday");
            node.put("datacontenttype", "json");
            node.put("dataschema", "schema.json");
            node.put("data", "x");
            node.put("data_base64", "eA==");
            node.put("Bad-Name", "x");
            node.putArray("tags");

            InvalidEventException e = rejection(node);

            assertThat(e.errors()).extracting(FieldError::field).containsExactlyInAnyOrder(
                    "specversion", "id", "source", "type", "resource", "time", "datacontenttype",
                    "dataschema", "data_base64", "Bad-Name", "tags");
            assertThat(e.tooLarge()).isFalse();
            assertThat(e.getMessage()).contains("id: is required", "; ");
        }
    }

    @Nested
    class APrefixedException {

        @Test
        void shouldPrefixEveryFieldName() {
            var e = new InvalidEventException(List.of(
                    new FieldError("source", "must be a URI reference"),
                    new FieldError("id", "is required")), false);

            InvalidEventException prefixed = e.withPrefix("[3]");

            assertThat(prefixed.errors()).containsExactly(
                    new FieldError("[3].source", "must be a URI reference"),
                    new FieldError("[3].id", "is required"));
            assertThat(prefixed.getMessage()).isEqualTo("[3].source: must be a URI reference; [3].id: is required");
        }

        @Test
        void shouldUseThePrefixAloneForTheEmptyFieldName() {
            InvalidEventException e = rejection(tree("[]")).withPrefix("[3]");

            assertThat(e.errors()).extracting(FieldError::field).containsExactly("[3]");
        }

        @Test
        void shouldKeepTooLarge() {
            InvalidEventException e = rejection(eventOfSize(MAX_EVENT_BYTES + 1));

            assertThat(e.withPrefix("[0]").tooLarge()).isTrue();
            assertThat(e.withPrefix("[0]").errors()).extracting(FieldError::field).containsExactly("[0]");
            assertThat(rejection(tree("[]")).withPrefix("[0]").tooLarge()).isFalse();
        }

        @Test
        void shouldPrefixTheFieldsOfARealRejection() {
            ObjectNode node = minimal();
            node.put("source", "::");

            assertThat(rejection(node).withPrefix("[3]").errors())
                    .extracting(FieldError::field).containsExactly("[3].source");
        }
    }

    /** A valid event whose compact JSON is exactly {@code bytes} long (ASCII padding in data). */
    private static ObjectNode eventOfSize(int bytes) {
        ObjectNode node = minimal();
        node.put("data", "");
        int base = JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8).length;
        node.put("data", "x".repeat(bytes - base));
        assertThat(JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
        return node;
    }
}
