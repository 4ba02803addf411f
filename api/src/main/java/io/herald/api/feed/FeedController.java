package io.herald.api.feed;

import static io.herald.api.feed.FeedParameters.name;
import static io.herald.api.feed.FeedParameters.organisations;
import static io.herald.api.feed.FeedParameters.party;
import static io.herald.api.feed.FeedParameters.patterns;
import static io.herald.api.feed.FeedParameters.person;
import static io.herald.api.feed.FeedParameters.types;

import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.herald.api.problem.BadRequestException;
import io.herald.api.publish.AppInstancePath;
import io.herald.api.security.CallerIdentities;
import io.herald.store.FeedQuery;
import io.herald.subscriptions.access.AccessDeniedException;
import io.herald.subscriptions.access.AccessPolicy;

/**
 * The v1 pull feeds: generic (by resource), an agency's app feed, a party's feed, and the
 * anonymous feed of one instance. The app feed is its agency's (or a delegated app scope's); the
 * others return only the events the caller may read.
 */
@RestController
@RequestMapping("/events/api/v1")
public class FeedController {

    /** A person number travels in this header, never in a URL. */
    public static final String PERSON_HEADER = "Altinn-Party-SocialSecurityNumber";
    /** The header in which the platform's clients send a person number. */
    public static final String PLATFORM_PERSON_HEADER = "person";
    /** The generic feed's alternative subject filter, as the platform's clients send it. */
    public static final String ALTERNATIVE_SUBJECT_HEADER = "Altinn-AlternativeSubject";

    private final FeedService feeds;
    private final FeedParameters parameters;
    private final CallerIdentities identities;
    private final AccessPolicy access;

    public FeedController(FeedService feeds, FeedParameters parameters, CallerIdentities identities, AccessPolicy access) {
        this.feeds = feeds;
        this.parameters = parameters;
        this.identities = identities;
        this.access = access;
    }

    /** 403 unless the caller is the app's agency or holds its delegated app scope. */
    static String appResource(CallerIdentities identities, AccessPolicy access, Authentication caller, String org, String app) {
        String resource = AppInstancePath.resourceOf(name("org", org), name("app", app));
        if (!access.readsWholeResource(identities.of(caller), resource)) {
            throw new AccessDeniedException("an app's feed is for its agency (the token's org) or a holder of the scope "
                    + "for that app");
        }
        return resource;
    }

    /** The anonymous feed of one instance: the unguessable instance GUID is the capability, no token is needed. */
    @GetMapping("/instances/{instanceId}/events")
    ResponseEntity<byte[]> instanceFeed(@PathVariable String instanceId,
            @RequestParam(required = false) String after,
            @RequestParam(required = false) Integer size) {
        FeedQuery query = parameters.startAfter(after == null ? "0" : after, size, null)
                .withInstanceId(FeedParameters.guid("instanceId", instanceId));
        return FeedResponses.page(feeds.readUnfiltered(query));
    }

    @GetMapping("/events")
    ResponseEntity<byte[]> genericFeed(Authentication caller,
            @RequestParam String resource,
            @RequestParam(required = false) String after,
            @RequestParam(required = false) String subject,
            @RequestParam(required = false) String alternativesubject,
            @RequestHeader(name = ALTERNATIVE_SUBJECT_HEADER, required = false) String alternativeSubjectHeader,
            @RequestParam(required = false) List<String> type,
            @RequestParam(required = false) List<String> source,
            @RequestParam(required = false) Integer size) {
        if (resource.isBlank()) {
            throw BadRequestException.invalidParameter("resource", "must not be empty");
        }
        FeedQuery query = parameters.startAfter(after, size, resource)
                .withResource(resource)
                .withSubject(subject)
                .withAlternativeSubject(oneOf("alternativesubject", alternativesubject, ALTERNATIVE_SUBJECT_HEADER, alternativeSubjectHeader))
                .withTypes(types(type))
                .withSources(patterns("source", source));
        return FeedResponses.page(feeds.read(caller, query));
    }

    @GetMapping("/app/{org}/{app}")
    ResponseEntity<byte[]> appFeed(Authentication caller,
            @PathVariable String org,
            @PathVariable String app,
            @RequestParam(required = false) String after,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String party,
            @RequestParam(required = false) String unit,
            @RequestHeader(name = PERSON_HEADER, required = false) String personNumber,
            @RequestHeader(name = PLATFORM_PERSON_HEADER, required = false) String person,
            @RequestParam(required = false) List<String> type,
            @RequestParam(required = false) Integer size) {
        String resource = appResource(identities, access, caller, org, app);
        FeedQuery query = parties(parameters.start(after, from, to, size, resource), party, unit, personNumber, person)
                .withResource(resource)
                .withTypes(types(type));
        return FeedResponses.page(feeds.read(caller, query));
    }

    @GetMapping("/app/party")
    ResponseEntity<byte[]> partyFeed(Authentication caller,
            @RequestParam(required = false) String after,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String party,
            @RequestParam(required = false) String unit,
            @RequestHeader(name = PERSON_HEADER, required = false) String personNumber,
            @RequestHeader(name = PLATFORM_PERSON_HEADER, required = false) String person,
            @RequestParam(required = false) List<String> source,
            @RequestParam(required = false) List<String> type,
            @RequestParam(required = false) Integer size) {
        if (party == null && unit == null && personNumber == null && person == null) {
            throw new BadRequestException("missing-parameter", "party",
                    "or unit, or the header " + PLATFORM_PERSON_HEADER + " (or " + PERSON_HEADER + "), is required: whose events to read");
        }
        FeedQuery query = parties(parameters.start(after, from, to, size, null), party, unit, personNumber, person)
                .withSources(patterns("source", source))
                .withTypes(types(type));
        return FeedResponses.page(feeds.read(caller, query));
    }

    /**
     * Whose events: {@code party} is the subject {@code /party/{id}}; {@code unit} an organisation's
     * alternative subject in either of its forms ({@code /org/…}, {@code /organisation/…}); a person
     * number (in a header, never in a URL) {@code /person/…}. As on the platform, a party excludes
     * the other two, and those two exclude each other.
     */
    private static FeedQuery parties(FeedQuery query, String party, String unit, String personNumber, String person) {
        String personValue = oneOf(PERSON_HEADER, personNumber, PLATFORM_PERSON_HEADER, person);
        String personName = personNumber != null ? PERSON_HEADER : PLATFORM_PERSON_HEADER;
        if (party != null && (unit != null || personValue != null)) {
            throw BadRequestException.invalidParameter("party", "cannot be combined with " + (unit != null ? "unit" : "the header " + personName)
                    + ": give one party");
        }
        if (unit != null && personValue != null) {
            throw BadRequestException.invalidParameter("unit", "and the header " + personName + " name two parties; give one");
        }
        if (party != null) {
            return query.withSubject(party("party", party));
        }
        if (unit != null) {
            return query.withAlternativeSubjects(organisations("unit", unit));
        }
        return query.withAlternativeSubject(person(personName, personValue));
    }

    /** The value given under either of two names (the same value under both is fine); 400 if they differ. */
    private static String oneOf(String name, String value, String otherName, String other) {
        if (value != null && other != null && !value.equals(other)) {
            throw BadRequestException.invalidParameter(name, "and " + otherName + " differ; give one");
        }
        return value != null ? value : other;
    }
}
