package io.herald.api.publish;

import java.math.BigDecimal;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.DecimalNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a JSON body into a tree in one pass, keeping every number exactly as it was written: Herald
 * stores and serves an event as its publisher sent it, and Jackson's own tree turns {@code 1e999} into
 * Infinity, {@code 0.10000000000000000000000000001} into 0.1, {@code 1E2} into 100.0 and {@code -0}
 * into 0. A number becomes a decimal node whose value ({@link ExactDecimal}) writes its original text
 * back. Member names must be unique (a repeated one is refused), as before.
 */
final class ExactJson {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final JsonNodeFactory NODES = JSON.getNodeFactory();

    private ExactJson() {
    }

    /**
     * @throws JacksonException when the bytes are not one JSON value
     */
    static JsonNode read(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new StreamReadException(parser, "no JSON value, only white space");
            }
            JsonNode value = value(parser, first);
            if (parser.nextToken() != null) {
                throw new StreamReadException(parser, "more than one JSON value: unexpected " + parser.currentToken() + " after the first");
            }
            return value;
        }
    }

    private static JsonNode value(JsonParser parser, JsonToken token) {
        return switch (token) {
            case START_OBJECT -> object(parser);
            case START_ARRAY -> array(parser);
            case VALUE_STRING -> NODES.stringNode(parser.getString());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> ExactDecimal.node(parser.getString());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new StreamReadException(parser, "unexpected " + token);
        };
    }

    private static ObjectNode object(JsonParser parser) {
        ObjectNode object = NODES.objectNode();
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            object.set(name, value(parser, parser.nextToken()));
        }
        return object;
    }

    private static ArrayNode array(JsonParser parser) {
        ArrayNode array = NODES.arrayNode();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            array.add(value(parser, token));
        }
        return array;
    }

    /**
     * A JSON number that prints as the text it was read from: Jackson writes a {@link BigDecimal} with its
     * {@code toString()}, so a {@link DecimalNode} holding one of these serialises the publisher's text,
     * while readers of the tree still see a number with its value.
     */
    static final class ExactDecimal extends BigDecimal {

        private static final long serialVersionUID = 1L;

        private final String text;

        private ExactDecimal(String text, String value) {
            super(value);
            this.text = text;
        }

        static DecimalNode node(String text) {
            ExactDecimal value;
            try {
                value = new ExactDecimal(text, text);
            } catch (NumberFormatException e) {
                // an exponent beyond BigDecimal's range (e.g. 1e99999999999): Herald reads no number of an
                // event, so the value is only approximate while the text is kept exactly
                value = new ExactDecimal(text, text.startsWith("-") ? "-1e999999999" : "1e999999999");
            }
            return new DecimalNode(value);
        }

        @Override
        public String toString() {
            return text;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ExactDecimal decimal && decimal.text.equals(text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }
    }
}
