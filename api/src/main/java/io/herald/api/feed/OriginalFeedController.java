package io.herald.api.feed;

import static io.herald.api.feed.FeedParameters.guid;
import static io.herald.api.feed.FeedParameters.name;
import static io.herald.api.feed.FeedParameters.organisations;
import static io.herald.api.feed.FeedParameters.person;
import static io.herald.api.feed.FeedParameters.types;

import java.util.List;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.herald.api.problem.BadRequestException;
import io.herald.api.publish.AppInstancePath;
import io.herald.api.security.CallerIdentities;
import io.herald.store.FeedQuery;
import io.herald.subscriptions.access.AccessPolicy;

/**
 * The read endpoints of the platform's original proposal, served by the same engine: an agency's
 * app feed, a party's feed, and the feed of one instance. Each takes an {@code after} cursor too,
 * which their {@code next} links carry.
 */
@RestController
public class OriginalFeedController {

    /** Body of {@code POST /events/instanceeventsforparty}. */
    public record PartyFeedRequest(String appId, Party party, String storedAfter, List<String> eventTypes) {
    }

    public record Party(String personNumber, String organisationNumber) {
    }

    /** Body of {@code POST /events/instanceeventsforinstance/{instanceId}}; optional. */
    public record InstanceFeedRequest(String storedAfter) {
    }

    private final FeedService feeds;
    private final FeedParameters parameters;
    private final CallerIdentities identities;
    private final AccessPolicy access;

    public OriginalFeedController(FeedService feeds, FeedParameters parameters, CallerIdentities identities, AccessPolicy access) {
        this.feeds = feeds;
        this.parameters = parameters;
        this.identities = identities;
        this.access = access;
    }

    @GetMapping("/events/instanceevents/{org}/{app}")
    ResponseEntity<byte[]> appEvents(Authentication caller,
            @PathVariable String org,
            @PathVariable String app,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String after,
            @RequestParam(required = false) List<String> eventType,
            @RequestParam(required = false) Integer size) {
        String resource = FeedController.appResource(identities, access, caller, org, app);
        FeedQuery query = parameters.start(after, from, null, size, resource)
                .withResource(resource)
                .withTypes(types(eventType));
        return FeedResponses.page(feeds.read(caller, query));
    }

    @PostMapping(path = "/events/instanceeventsforparty", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> partyEvents(Authentication caller,
            @RequestBody PartyFeedRequest request,
            @RequestParam(required = false) String after,
            @RequestParam(required = false) Integer size) {
        if (request.party() == null) {
            throw new BadRequestException("invalid-body", "party", "is required: {\"personNumber\": …} or {\"organisationNumber\": …}");
        }
        String person = request.party().personNumber();
        String organisation = request.party().organisationNumber();
        if ((person == null) == (organisation == null)) {
            throw new BadRequestException("invalid-body", "party", "must name exactly one of personNumber and organisationNumber");
        }
        FeedQuery query = parameters.start(after == null && request.storedAfter() == null ? "0" : after,
                        "storedAfter", request.storedAfter(), null, size, null)
                .withAlternativeSubjects(person != null ? List.of(person("party.personNumber", person))
                        : organisations("party.organisationNumber", organisation))
                .withTypes(types(request.eventTypes()));
        if (request.appId() != null) {
            String[] orgAndApp = request.appId().split("/", -1);
            if (orgAndApp.length != 2) {
                throw new BadRequestException("invalid-body", "appId", "must be {org}/{app} but was '" + request.appId() + "'");
            }
            query = query.withResource(AppInstancePath.resourceOf(name("appId", orgAndApp[0]), name("appId", orgAndApp[1])));
        }
        return FeedResponses.page(feeds.read(caller, query));
    }

    /** Anonymous: the unguessable instance GUID is the capability; only that instance's events. */
    @PostMapping("/events/instanceeventsforinstance/{instanceId}")
    ResponseEntity<byte[]> instanceEvents(@PathVariable String instanceId,
            @RequestBody(required = false) InstanceFeedRequest request,
            @RequestParam(required = false) String after,
            @RequestParam(required = false) Integer size) {
        String storedAfter = request == null ? null : request.storedAfter();
        FeedQuery query = parameters.start(after == null && storedAfter == null ? "0" : after, "storedAfter", storedAfter, null, size, null)
                .withInstanceId(guid("instanceId", instanceId));
        return FeedResponses.page(feeds.readUnfiltered(query));
    }
}
