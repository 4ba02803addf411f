package io.herald.store;

import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Validates a CloudEvent 1.0 in JSON structured mode and turns it into an {@link IncomingEvent}.
 * Every rule that fails is reported with the attribute it concerns, not just the first.
 */
public final class CloudEventParser {

    /** Attribute names: lower-case ASCII letters and digits (CloudEvents 1.0, "Attribute Naming Convention"). */
    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[a-z0-9]+");
    private static final int MAX_ATTRIBUTE_NAME_LENGTH = 64;
    private static final Set<String> CORE = Set.of(
            "specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema",
            "data", "data_base64", "resource", "resourceinstance", "alternativesubject");

    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    /** RFC 2045/2046 media type: type/subtype with attribute=value parameters. */
    private static final Pattern MEDIA_TYPE = Pattern.compile(
            TOKEN + "/" + TOKEN + "(\\s*;\\s*" + TOKEN + "=(" + TOKEN + "|\"([^\"\\\\]|\\\\.)*\"))*\\s*");
    private static final JsonMapper COMPACT = JsonMapper.builder().build();
    private static final JsonMapper SORTED = JsonMapper.builder()
            .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
            .build();

    private final EventLimits limits;

    public CloudEventParser(EventLimits limits) {
        this.limits = limits;
    }

    public EventLimits limits() {
        return limits;
    }

    /**
     * @throws InvalidEventException naming every attribute that breaks a rule
     */
    public IncomingEvent parse(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new InvalidEventException(List.of(new FieldError("", "an event must be a JSON object")), false);
        }
        String json = COMPACT.writeValueAsString(node);
        int size = TextChecks.utf8Length(json);
        if (size > limits.maxEventBytes()) {
            throw new InvalidEventException(List.of(new FieldError("",
                    "an event may be at most " + limits.maxEventBytes() + " bytes but was " + size)), true);
        }
        var errors = new ArrayList<FieldError>();
        int badChar = TextChecks.unpairedSurrogate(json);
        if (badChar >= 0) {
            errors.add(new FieldError("", "is not valid Unicode: an unpaired surrogate (\\u"
                    + Integer.toHexString(json.charAt(badChar)) + ") at character " + badChar + " of the event"));
        }

        String specversion = requiredString(node, "specversion", errors);
        if (specversion != null && !specversion.equals("1.0")) {
            errors.add(new FieldError("specversion", "must be \"1.0\" but was \"" + specversion + "\""));
        }
        String id = requiredString(node, "id", errors);
        String source = requiredString(node, "source", errors);
        if (source != null && !TextChecks.isUriReference(source)) {
            errors.add(new FieldError("source", "must be a URI reference but was \"" + source + "\""));
        }
        String type = requiredString(node, "type", errors);
        String resource = requiredString(node, "resource", errors);
        if (resource != null && !TextChecks.isAbsoluteUri(resource)) {
            errors.add(new FieldError("resource", "must be an absolute URI (a URN such as urn:altinn:resource:app_org_app) but was \"" + resource + "\""));
        }
        String subject = optionalString(node, "subject", errors);
        String alternativeSubject = optionalString(node, "alternativesubject", errors);
        String resourceInstance = optionalString(node, "resourceinstance", errors);
        Instant time = optionalTime(node, errors);
        String contentType = optionalString(node, "datacontenttype", errors);
        if (contentType != null && !MEDIA_TYPE.matcher(contentType).matches()) {
            errors.add(new FieldError("datacontenttype", "must be a media type (RFC 2046) but was \"" + contentType + "\""));
        }
        String dataschema = optionalString(node, "dataschema", errors);
        if (dataschema != null && !TextChecks.isAbsoluteUri(dataschema)) {
            errors.add(new FieldError("dataschema", "must be an absolute URI but was \"" + dataschema + "\""));
        }
        checkData(node, errors);
        checkExtensions(node, errors);

        if (!errors.isEmpty()) {
            throw new InvalidEventException(errors, false);
        }
        return new IncomingEvent(new EventKey(source, id), type, resource, subject, alternativeSubject,
                resourceInstance, time, json, contentHash(node));
    }

    private String requiredString(JsonNode node, String name, List<FieldError> errors) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            errors.add(new FieldError(name, "is required"));
            return null;
        }
        return string(name, value, errors);
    }

    private String optionalString(JsonNode node, String name, List<FieldError> errors) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        return string(name, value, errors);
    }

    private String string(String name, JsonNode value, List<FieldError> errors) {
        if (!value.isString()) {
            errors.add(new FieldError(name, "must be a string but was " + value.getNodeType().name().toLowerCase()));
            return null;
        }
        String text = value.stringValue();
        if (text.isEmpty()) {
            errors.add(new FieldError(name, "must not be empty"));
            return null;
        }
        if (text.length() > limits.maxAttributeLength()) {
            errors.add(new FieldError(name, "may be at most " + limits.maxAttributeLength() + " characters but was " + text.length()));
            return null;
        }
        if (text.indexOf('\u0000') >= 0) {
            errors.add(new FieldError(name, "must not contain the NUL character (U+0000)"));
            return null;
        }
        return text;
    }

    private Instant optionalTime(JsonNode node, List<FieldError> errors) {
        String text = optionalString(node, "time", errors);
        if (text == null) {
            return null;
        }
        try {
            if (isRfc3339(text)) {
                return rfc3339(text);
            }
        } catch (DateTimeException e) {
            // out-of-range fields such as month 13: reported below like any other malformed time
        }
        errors.add(new FieldError("time", "must be an RFC 3339 timestamp such as 2026-11-27T10:15:30Z but was \"" + text + "\""));
        return null;
    }

    /**
     * Whether {@code text} has the shape of an RFC 3339 date-time: {@code yyyy-mm-ddThh:mm:ss}, a fraction of one to nine
     * digits or none, then {@code Z} or an offset {@code +hh:mm} / {@code -hh:mm} ({@code t} and {@code z} in either
     * case). Checked by position: the regular expression it replaces,
     * {@code \d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})}, cost as much as the rest of
     * the time check on every publish. Whether the fields are in range, {@link #rfc3339} decides.
     */
    static boolean isRfc3339(String text) {
        int length = text.length();
        if (length < 20) {
            return false;
        }
        for (int i = 0; i < 19; i++) {
            char c = text.charAt(i);
            boolean fits = switch (i) {
                case 4, 7 -> c == '-';
                case 10 -> c == 'T' || c == 't';
                case 13, 16 -> c == ':';
                default -> isDigit(c);
            };
            if (!fits) {
                return false;
            }
        }
        int at = 19;
        if (text.charAt(at) == '.') {
            int digits = 0;
            while (++at < length && isDigit(text.charAt(at))) {
                digits++;
            }
            if (digits == 0 || digits > 9 || at == length) {
                return false;
            }
        }
        char zone = text.charAt(at);
        if (zone == 'Z' || zone == 'z') {
            return at + 1 == length;
        }
        return (zone == '+' || zone == '-') && at + 6 == length && isDigit(text.charAt(at + 1)) && isDigit(text.charAt(at + 2))
                && text.charAt(at + 3) == ':' && isDigit(text.charAt(at + 4)) && isDigit(text.charAt(at + 5));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * The instant of a text of the shape {@link #isRfc3339} accepts, read by position (a {@code DateTimeFormatter} cost
     * more than the rest of the time check on every publish). Fields out of range throw, as the formatter's do.
     */
    static Instant rfc3339(String text) {
        int nanos = 0;
        int at = 19;
        if (text.charAt(at) == '.') {
            int digits = 0;
            while (Character.isDigit(text.charAt(++at))) {
                nanos = nanos * 10 + (text.charAt(at) - '0');
                digits++;
            }
            for (; digits < 9; digits++) {
                nanos *= 10;
            }
        }
        ZoneOffset offset = ZoneOffset.UTC;
        if (text.charAt(at) != 'Z' && text.charAt(at) != 'z') {
            int sign = text.charAt(at) == '-' ? -1 : 1;
            offset = ZoneOffset.ofHoursMinutes(sign * number(text, at + 1), sign * number(text, at + 4));
        }
        return OffsetDateTime.of(number(text, 0) * 100 + number(text, 2), number(text, 5), number(text, 8),
                number(text, 11), number(text, 14), number(text, 17), nanos, offset).toInstant();
    }

    /** The two digits at {@code at}. */
    private static int number(String text, int at) {
        return (text.charAt(at) - '0') * 10 + (text.charAt(at + 1) - '0');
    }

    private static void checkData(JsonNode node, List<FieldError> errors) {
        JsonNode base64 = node.get("data_base64");
        if (base64 == null || base64.isNull()) {
            return;
        }
        if (node.has("data")) {
            errors.add(new FieldError("data_base64", "must not be given together with data"));
        }
        if (!base64.isString()) {
            errors.add(new FieldError("data_base64", "must be a base64 string"));
            return;
        }
        try {
            Base64.getDecoder().decode(base64.stringValue());
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("data_base64", "must be base64 (RFC 4648): " + e.getMessage()));
        }
    }

    private void checkExtensions(JsonNode node, List<FieldError> errors) {
        for (Map.Entry<String, JsonNode> attribute : node.properties()) {
            String name = attribute.getKey();
            if (CORE.contains(name)) {
                continue;
            }
            if (!ATTRIBUTE_NAME.matcher(name).matches() || name.length() > MAX_ATTRIBUTE_NAME_LENGTH) {
                errors.add(new FieldError(name, "is not a valid attribute name: CloudEvents attribute names are "
                        + "lower-case letters a-z and digits 0-9 (at most " + MAX_ATTRIBUTE_NAME_LENGTH + ")"));
                continue;
            }
            JsonNode value = attribute.getValue();
            if (value.isObject() || value.isArray()) {
                errors.add(new FieldError(name, "an extension attribute must be a string, number or boolean"));
            } else if (value.isString()) {
                string(name, value, errors);
            }
        }
    }

    /**
     * SHA-256 of the event with attributes in sorted order, so that attribute order is not content. The sorted
     * form is written straight into the digest rather than into an array first; the bytes hashed are the same.
     */
    private static byte[] contentHash(JsonNode node) {
        MessageDigest sha = Digests.sha256();
        SORTED.writeValue(new DigestOutputStream(OutputStream.nullOutputStream(), sha), node);
        return sha.digest();
    }
}
