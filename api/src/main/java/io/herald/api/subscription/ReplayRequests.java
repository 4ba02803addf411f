package io.herald.api.subscription;

import java.util.Map;
import java.util.Set;

import io.herald.api.feed.FeedParameters;
import io.herald.api.problem.BadRequestException;
import io.herald.dispatcher.EventReplay;
import io.herald.store.EventPosition;
import tools.jackson.databind.JsonNode;

/**
 * Reads the body of a range replay: {@code after} and {@code until} are cursors (as in the feeds'
 * {@code next}), {@code from} and {@code to} RFC 3339 times; a replay needs {@code after} or
 * {@code from} to start from. Unknown members are refused, so a misspelt bound never widens it.
 */
final class ReplayRequests {

    private static final Set<String> MEMBERS = Set.of("after", "until", "from", "to");

    private ReplayRequests() {
    }

    static EventReplay.Range read(JsonNode body) {
        if (!body.isObject()) {
            throw new BadRequestException("invalid-replay", "", "a replay request must be a JSON object with after, until, from or to");
        }
        for (Map.Entry<String, JsonNode> member : body.properties()) {
            if (!MEMBERS.contains(member.getKey())) {
                throw new BadRequestException("invalid-replay", member.getKey(),
                        member.getKey() + " is not a member of a replay request; they are after, until, from and to");
            }
        }
        String after = text(body, "after");
        String from = text(body, "from");
        if (after == null && from == null) {
            throw new BadRequestException("invalid-replay", "after",
                    "a replay needs a start: after (a cursor, such as a feed's next) or from (a time)");
        }
        String until = text(body, "until");
        try {
            return new EventReplay.Range(
                    after == null ? null : FeedParameters.position("after", after),
                    until == null ? null : FeedParameters.position("until", until),
                    FeedParameters.time("from", from),
                    FeedParameters.time("to", text(body, "to")));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("invalid-replay", "", e.getMessage());
        }
    }

    /** The answer: how many events were examined and made due, and where a next call goes on ({@code null}: done). */
    record Answer(int examined, int replayed, String next) {

        static Answer of(EventReplay.Result result) {
            return new Answer(result.examined(), result.replayed(), result.next().map(EventPosition::toString).orElse(null));
        }
    }

    private static String text(JsonNode body, String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new BadRequestException("invalid-replay", name, name + " must be a string");
        }
        return value.stringValue();
    }
}
