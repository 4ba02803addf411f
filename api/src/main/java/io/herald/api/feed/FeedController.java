package io.herald.api.feed;

import static io.herald.api.feed.FeedParameters.name;
import static io.herald.api.feed.FeedParameters.organisation;
import static io.herald.api.feed.FeedParameters.party;
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
        FeedQuery query = parameters.startAfter(after == null ? "0" : after, size).withInstanceId(FeedParameters.guid("instanceId", instanceId));
        return FeedResponses.page(feeds.readUnfiltered(query));
    }

    @GetMapping("/events")
    ResponseEntity<byte[]> genericFeed(Authentication caller,
            @RequestParam String resource,
            @RequestParam(required = false) String after,
            @RequestParam(required = false) String subject,
            @RequestParam(required = false) String alternativesubject,
            @RequestParam(required = false) List<String> type,
            @RequestParam(required = false) String source,
            @RequestParam(required = false) Integer size) {
        if (resource.isBlank()) {
            throw BadRequestException.invalidParameter("resource", "must not be empty");
        }
        FeedQuery query = parameters.startAfter(after, size)
                .withResource(resource)
                .withSubject(subject)
                .withAlternativeSubject(alternativesubject)
                .withTypes(types(type))
                .withSourcePrefix(source);
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
            @RequestHeader(name = PERSON_HEADER, required = false) String person,
            @RequestParam(required = false) List<String> type,
            @RequestParam(required = false) Integer size) {
        String resource = appResource(identities, access, caller, org, app);
        FeedQuery query = parameters.start(after, from, to, size)
                .withResource(resource)
                .withSubject(party("party", party))
                .withAlternativeSubject(alternativeSubject(unit, person))
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
            @RequestHeader(name = PERSON_HEADER, required = false) String person,
            @RequestParam(required = false) String source,
            @RequestParam(required = false) List<String> type,
            @RequestParam(required = false) Integer size) {
        if (party == null && unit == null && person == null) {
            throw new BadRequestException("missing-parameter", "party",
                    "or unit, or the header " + PERSON_HEADER + ", is required: whose events to read");
        }
        FeedQuery query = parameters.start(after, from, to, size)
                .withSubject(party("party", party))
                .withAlternativeSubject(alternativeSubject(unit, person))
                .withSourcePrefix(source)
                .withTypes(types(type));
        return FeedResponses.page(feeds.read(caller, query));
    }

    private static String alternativeSubject(String unit, String person) {
        if (unit != null && person != null) {
            throw new BadRequestException("invalid-parameter", "unit",
                    "and the header " + PERSON_HEADER + " name two parties; give one");
        }
        return unit != null ? organisation("unit", unit) : person(PERSON_HEADER, person);
    }
}
