package io.herald.api.feed;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import io.herald.api.problem.BadRequestException;
import io.herald.store.EventPosition;
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

    private final FeedProperties properties;

    public FeedParameters(FeedProperties properties) {
        this.properties = properties;
    }

    /** A query starting at {@code after}; without it, {@code from} must be given and the feed starts at the beginning. */
    public FeedQuery start(String after, String from, String to, Integer size) {
        return start(after, "from", from, to, size);
    }

    /** As {@link #start(String, String, String, Integer)}, for a start time that arrives under another name. */
    public FeedQuery start(String after, String fromName, String from, String to, Integer size) {
        if (after == null && from == null) {
            throw new BadRequestException("missing-parameter", "after", "or " + fromName + " is required (after=0 starts at the beginning)");
        }
        EventPosition position = after == null ? EventPosition.START : position("after", after);
        return FeedQuery.after(position, size(size)).withTimeRange(time(fromName, from), time("to", to));
    }

    public FeedQuery startAfter(String after, Integer size) {
        if (after == null) {
            throw new BadRequestException("missing-parameter", "after", "is required (after=0 starts at the beginning)");
        }
        return FeedQuery.after(position("after", after), size(size));
    }

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

    public static Instant time(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw BadRequestException.invalidParameter(name, "must be an RFC 3339 timestamp such as 2026-11-27T10:15:30Z but was '" + value + "'");
        }
    }

    public static String name(String parameter, String value) {
        return checked(parameter, value, NAME, "letters, digits, '-' or '_' (at most 64)");
    }

    public static String party(String parameter, String value) {
        return value == null ? null : "/party/" + checked(parameter, value, PARTY, "a party id (digits)");
    }

    public static String organisation(String parameter, String value) {
        return value == null ? null : "/org/" + checked(parameter, value, ORGANISATION_NUMBER, "an organisation number (9 digits)");
    }

    public static String person(String parameter, String value) {
        return value == null ? null : "/person/" + checked(parameter, value, PERSON_NUMBER, "a person number (11 digits)");
    }

    public static String guid(String parameter, String value) {
        return checked(parameter, value, GUID, "an instance id (a GUID)");
    }

    public static List<String> types(List<String> types) {
        if (types == null) {
            return List.of();
        }
        for (String type : types) {
            if (type.isBlank() || type.length() > 1024) {
                throw BadRequestException.invalidParameter("type", "must be 1 to 1024 characters but was '" + type + "'");
            }
        }
        return types;
    }

    private static String checked(String parameter, String value, Pattern pattern, String expected) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw BadRequestException.invalidParameter(parameter, "must be " + expected + " but was '" + value + "'");
        }
        return value;
    }
}
