package io.herald.subscriptions.access;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import io.herald.store.StoredEvent;
import io.herald.subscriptions.PartyRegistry;

/**
 * "May this caller read events about this subject?" — the one question feeds, subscription
 * creation and the matcher ask. In order:
 * <ol>
 *   <li>the agency that owns an app resource ({@code app_{org}_{app}}), or an organisation holding
 *       that app's delegated scope, reads all of the app's events; so does the agency configured as
 *       owner of a resource that is no app's ({@code herald.authorization.resource-owners});</li>
 *   <li>a party reads the events whose subject or alternative subject is itself, and an
 *       organisation those of its subunits ({@link PartyRegistry});</li>
 *   <li>a subscription owner reads Herald's own notices about its subscriptions (resource
 *       {@value #OWNER_NOTICES}, subject the owner's principal);</li>
 *   <li>anyone else reads what the {@link DecisionPoint} permits (a delegation from the party),
 *       answers kept for at most {@code cacheLifetime}.</li>
 * </ol>
 * Anything else — an event about no party, an unreachable decision point — is not readable.
 */
public final class AccessPolicy implements ReadAccess {

    private static final Logger log = LoggerFactory.getLogger(AccessPolicy.class);

    /** The resource of the events Herald itself writes for a subscription's owner (e.g. its subscription was disabled). */
    public static final String OWNER_NOTICES = "urn:herald:subscriptions";

    private final DecisionPoint decisionPoint;
    private final PartyRegistry parties;
    private final Cache<AccessRequest, Decision> decisions;
    private final Map<String, List<String>> resourceOwners;

    /** Without a party registry: an organisation reads no subunit's events unless the decision point permits it. */
    public AccessPolicy(DecisionPoint decisionPoint, Duration cacheLifetime, long cacheSize, Ticker ticker) {
        this(decisionPoint, organisations -> Map.of(), cacheLifetime, cacheSize, ticker);
    }

    public AccessPolicy(DecisionPoint decisionPoint, PartyRegistry parties, Duration cacheLifetime, long cacheSize, Ticker ticker) {
        this(decisionPoint, parties, cacheLifetime, cacheSize, ticker, Map.of());
    }

    /** With agencies owning resources that are no app's ({@code resourceOwners}: URN prefixes by agency). */
    public AccessPolicy(DecisionPoint decisionPoint, PartyRegistry parties, Duration cacheLifetime, long cacheSize, Ticker ticker,
            Map<String, List<String>> resourceOwners) {
        this.resourceOwners = Map.copyOf(resourceOwners);
        this.decisionPoint = decisionPoint;
        this.parties = parties;
        this.decisions = Caffeine.newBuilder()
                .expireAfterWrite(cacheLifetime)
                .maximumSize(cacheSize)
                .ticker(ticker)
                .build();
    }

    public AccessPolicy(DecisionPoint decisionPoint, PartyRegistry parties, AuthorizationProperties properties) {
        this(decisionPoint, parties, properties.cacheLifetime(), properties.cacheSize(), Ticker.systemTicker(),
                properties.resourceOwners());
    }

    /** True when the caller reads every event of the resource: its agency, or holder of its app scope. */
    public boolean readsWholeResource(Caller caller, String resource) {
        AppResource app = AppResource.of(resource);
        if (app == null) {
            List<String> owned = caller.agency() == null || resource == null ? null : resourceOwners.get(caller.agency());
            return owned != null && owned.stream().anyMatch(resource::startsWith);
        }
        return app.org().equals(caller.agency()) || caller.appGrants().contains(app.id());
    }

    /** Whether the caller may read events of the resource about the party named by subject or alternative subject. */
    public boolean mayRead(Caller caller, String subject, String alternativeSubject, String resource) {
        if (readsWholeResource(caller, resource) || caller.is(subject) || caller.is(alternativeSubject)
                || isOwnNotice(caller, resource, subject)) {
            return true;
        }
        if (resource == null || (subject == null && alternativeSubject == null) || caller.principal() == null) {
            return false;
        }
        return decide(List.of(AccessRequest.read(caller, subject, alternativeSubject, resource))).get(0).permits();
    }

    /** One answer per event, for one caller: a page of a feed. */
    public boolean[] mayRead(Caller caller, List<StoredEvent> events) {
        List<Caller> callers = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            callers.add(caller);
        }
        return mayRead(callers, events);
    }

    @Override
    public boolean[] mayRead(List<Caller> callers, List<StoredEvent> events) {
        boolean[] readable = new boolean[events.size()];
        Map<String, Set<String>> parents = parentsOfSubunits(callers, events);
        Map<AccessRequest, List<Integer>> asked = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            Caller caller = callers.get(i);
            StoredEvent event = events.get(i);
            if (readsWholeResource(caller, event.resource()) || caller.is(event.subject()) || caller.is(event.alternativeSubject())
                    || isParentOf(caller, event, parents) || isOwnNotice(caller, event.resource(), event.subject())) {
                readable[i] = true;
            } else if (event.resource() != null && (event.subject() != null || event.alternativeSubject() != null)
                    && caller.principal() != null) {
                asked.computeIfAbsent(AccessRequest.read(caller, event.subject(), event.alternativeSubject(), event.resource()),
                        request -> new ArrayList<>()).add(i);
            }
        }
        if (!asked.isEmpty()) {
            List<AccessRequest> requests = new ArrayList<>(asked.keySet());
            List<Decision> answers = decide(requests);
            for (int r = 0; r < requests.size(); r++) {
                if (answers.get(r).permits()) {
                    for (int i : asked.get(requests.get(r))) {
                        readable[i] = true;
                    }
                }
            }
        }
        return readable;
    }

    /** The parents of the subunits named by events that an organisation caller would otherwise have to ask about. */
    private Map<String, Set<String>> parentsOfSubunits(List<Caller> callers, List<StoredEvent> events) {
        Set<String> subunits = new HashSet<>();
        for (int i = 0; i < events.size(); i++) {
            String organisation = organisationOf(events.get(i));
            if (organisation != null && callers.get(i).organisationNumber() != null
                    && !organisation.equals(callers.get(i).organisationNumber())) {
                subunits.add(organisation);
            }
        }
        return subunits.isEmpty() ? Map.of() : parties.parentsOf(subunits);
    }

    private static boolean isOwnNotice(Caller caller, String resource, String subject) {
        return OWNER_NOTICES.equals(resource) && subject != null && subject.equals(caller.principal());
    }

    private static boolean isParentOf(Caller caller, StoredEvent event, Map<String, Set<String>> parents) {
        String organisation = organisationOf(event);
        return organisation != null && caller.organisationNumber() != null
                && parents.getOrDefault(organisation, Set.of()).contains(caller.organisationNumber());
    }

    private static String organisationOf(StoredEvent event) {
        return OrganisationSubjects.number(event.alternativeSubject());
    }

    /** Drops every kept decision: this instance sees a change of rights at once (others within the lifetime). */
    public void forgetDecisions() {
        decisions.invalidateAll();
    }

    private List<Decision> decide(List<AccessRequest> requests) {
        Decision[] answers = new Decision[requests.size()];
        List<AccessRequest> missing = new ArrayList<>();
        List<Integer> missingAt = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            Decision known = decisions.getIfPresent(requests.get(i));
            if (known != null) {
                answers[i] = known;
            } else {
                missing.add(requests.get(i));
                missingAt.add(i);
            }
        }
        if (!missing.isEmpty()) {
            List<Decision> fresh = ask(missing);
            for (int m = 0; m < missing.size(); m++) {
                Decision decision = fresh.get(m);
                answers[missingAt.get(m)] = decision;
                // an answer that is no answer is not kept: the next read asks again
                if (decision != Decision.INDETERMINATE) {
                    decisions.put(missing.get(m), decision);
                }
            }
        }
        return List.of(answers);
    }

    private List<Decision> ask(List<AccessRequest> requests) {
        try {
            List<Decision> answers = decisionPoint.decide(requests);
            if (answers == null || answers.size() != requests.size()) {
                log.warn("The decision point answered {} of {} requests: all are denied",
                        answers == null ? 0 : answers.size(), requests.size());
                return indeterminate(requests.size());
            }
            List<Decision> checked = new ArrayList<>(answers.size());
            for (Decision answer : answers) {
                checked.add(answer == null ? Decision.INDETERMINATE : answer);
            }
            return checked;
        } catch (RuntimeException e) {
            log.warn("The decision point failed, {} requests are denied: {}", requests.size(), e.toString());
            return indeterminate(requests.size());
        }
    }

    private static List<Decision> indeterminate(int count) {
        List<Decision> answers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            answers.add(Decision.INDETERMINATE);
        }
        return answers;
    }
}
