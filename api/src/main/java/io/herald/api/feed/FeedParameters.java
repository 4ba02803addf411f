package io.herald.api.feed;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import io.herald.api.problem.BadRequestException;
import io.herald.api.publish.PublishProperties;
import io.herald.store.EventPosition;
import io.herald.store.EventStore;
import io.herald.store.FeedQuery;

/** Checks and converts feed query parameters, naming the parameter when one is wrong. */
@Component
public class FeedParameters {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern PARTY = Pattern.compile("\\d{1,18}");
    private static final Pattern ORGANISATION_NUMBER = Pattern.compile("\\d{9}");
    private static final Pattern PERSON_NUMBER = Pattern.compile("\\d{11}");
    private static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private static final int MAX_PATTERNS = 50;
    private static final Pattern TRANSACTION = Pattern.compile("\\d{1,18}");
    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').append(DateTimeFormatter.ISO_LOCAL_TIME).optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
            .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
            .toFormatter(Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT)
            .withChronology(IsoChronology.INSTANCE);

    private final FeedProperties properties;
    private final EventStore store;
    private final int maxEventIdLength;

    public FeedParameters(FeedProperties properties, EventStore store, PublishProperties publish) {
        this.properties = properties;
        this.store = store;
        this.maxEventIdLength = publish.maxAttributeLength();
    }

    /**
     * A query starting at {@code after}; without it, {@code from} must be given and the feed starts
     * at the beginning. {@code resource} (or {@code null}) narrows the look-up of an event id.
     */
    public FeedQuery start(String after, String from, String to, Integer size, String resource) {
        return start(after, "from", from, to, size, resource);
    }

    /** As {@link #start(String, String, String, Integer, String)}, for a start time that arrives under another name. */
    public FeedQuery start(String after, String fromName, String from, String to, Integer size, String resource) {
        if (after == null && from == null) {
            throw new BadRequestException("missing-parameter", "after", "or " + fromName + " is required (after=0 starts at the beginning)");
        }
        EventPosition position = after == null ? EventPosition.START : after(after, resource);
        return FeedQuery.after(position, feedSize(size)).withTimeRange(time(fromName, from), time("to", to));
    }

    /** A query starting at {@code after}, which is required. */
    public FeedQuery startAfter(String after, Integer size, String resource) {
        if (after == null) {
            throw new BadRequestException("missing-parameter", "after", "is required (after=0 starts at the beginning)");
        }
        return FeedQuery.after(after(after, resource), feedSize(size));
    }

    /**
     * Where {@code after} points: Herald's cursor ({@code 0} or {@code <tx>-<seq>}), or else the id
     * of the last event the caller read, as the platform's clients keep it (see docs/adr/0011).
     */
    public EventPosition after(String value, String resource) {
        if (EventPosition.isCursor(value)) {
            return position("after", value);
        }
        String id = value.strip();
        if (TRANSACTION.matcher(id).matches()) {
            // a bare number is where that transaction starts: 0 is the beginning, and so, in effect, is
            // the platform clients' after=1 (an id the platform does not know, which it reads from the start)
            return new EventPosition(Long.parseLong(id), 0);
        }
        if (id.isEmpty() || id.length() > maxEventIdLength) {
            throw BadRequestException.invalidParameter("after", "must be 0, a cursor from a next link or an event id (1 to "
                    + maxEventIdLength + " characters)");
        }
        return store.positionOf(id, resource).orElseThrow(() -> BadRequestException.invalidParameter("after",
                "names no event Herald holds" + (resource == null ? "" : " for this resource") + ": '" + id
                        + "' is neither a cursor (0 or <tx>-<seq>) nor the id of a retained event; start again with after=0 or from"));
    }

    /** A page size as the platform treats it: missing or below 1 is the default, above the maximum the maximum. */
    public int feedSize(Integer size) {
        if (size == null || size < 1) {
            return properties.defaultSize();
        }
        return Math.min(size, properties.maxSize());
    }

    /** A page size for Herald's own listings: 1 to the maximum, else 400. */
    public int size(Integer size) {
        if (size == null) {
            return properties.defaultSize();
        }
        if (size < 1 || size > properties.maxSize()) {
            throw BadRequestException.invalidParameter("size", "must be between 1 and " + properties.maxSize() + " but was " + size);
        }
        return size;
    }

    public static EventPosition position(String name, String value) {
        try {
            return EventPosition.parse(value);
        } catch (IllegalArgumentException e) {
            throw BadRequestException.invalidParameter(name, e.getMessage());
        }
    }

    /**
     * A time as RFC 3339 or as the platform's clients send it: a space for the {@code T}, seconds
     * optional, {@code Z} or an offset, or no zone at all, which means UTC (see docs/adr/0011).
     */
    public static Instant time(String name, String value) {
        if (value == null) {
            return null;
        }
        String text = value.strip();
        if (text.length() > 10 && text.charAt(10) == ' ') {
            text = text.substring(0, 10) + 'T' + text.substring(11).strip();
        }
        try {
            TemporalAccessor parsed = TIME.parse(text);
            LocalDateTime local = LocalDateTime.from(parsed);
            return parsed.isSupported(ChronoField.OFFSET_SECONDS)
                    ? local.atOffset(ZoneOffset.ofTotalSeconds(parsed.get(ChronoField.OFFSET_SECONDS))).toInstant()
                    : local.toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw BadRequestException.invalidParameter(name, "must be a time such as 2026-11-27T10:15:30Z (RFC 3339; a space "
                    + "for T, no seconds and no zone, meaning UTC, are accepted too) but was '" + value + "'");
        }
    }

    /** Types and sources: each 1 to 1024 characters, at most 50 of them; {@code %} is the wildcard. */
    public static List<String> patterns(String parameter, List<String> values) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > MAX_PATTERNS) {
            throw BadRequestException.invalidParameter(parameter, "may be given at most " + MAX_PATTERNS + " times but was given " + values.size());
        }
        for (String value : values) {
            if (value.isBlank() || value.length() > 1024) {
                throw BadRequestException.invalidParameter(parameter, "must be 1 to 1024 characters but was '" + value + "'");
            }
        }
        return values;
    }

    public static String name(String parameter, String value) {
        return checked(parameter, value, NAME, "letters, digits, '-' or '_' (at most 64)");
    }

    public static String party(String parameter, String value) {
        return value == null ? null : "/party/" + checked(parameter, value, PARTY, "a party id (digits)");
    }

    /** An organisation number as both forms of alternative subject: {@code /org/…} and {@code /organisation/…}. */
    public static List<String> organisations(String parameter, String value) {
        String number = checked(parameter, value, ORGANISATION_NUMBER, "an organisation number (9 digits)");
        return List.of("/org/" + number, "/organisation/" + number);
    }

    public static String person(String parameter, String value) {
        return value == null ? null : "/person/" + checked(parameter, value, PERSON_NUMBER, "a person number (11 digits)");
    }

    public static String guid(String parameter, String value) {
        return checked(parameter, value, GUID, "an instance id (a GUID)");
    }

    public static List<String> types(List<String> types) {
        return patterns("type", types);
    }

    private static String checked(String parameter, String value, Pattern pattern, String expected) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw BadRequestException.invalidParameter(parameter, "must be " + expected + " but was '" + value + "'");
        }
        return value;
    }
}
