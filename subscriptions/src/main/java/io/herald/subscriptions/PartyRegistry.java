package io.herald.subscriptions;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.herald.store.StoredEvent;

/**
 * Who belongs to whom among organisations: for {@code includeSubunits}, the parents of a subunit.
 * Herald's built-in registry reads the {@code party_unit} table; a deployment may provide its own
 * bean that asks the platform's register instead.
 */
public interface PartyRegistry {

    /** For each organisation number given that is a subunit, the organisation numbers it belongs to. */
    Map<String, Set<String>> parentsOf(Collection<String> organisationNumbers);

    /**
     * What {@link SubscriptionIndex#match} needs for a page of events, in one question: the
     * parents of every organisation that is an event's {@code /org/…} alternative subject.
     */
    default Parents parentsOfEvents(List<StoredEvent> events) {
        Set<String> numbers = new HashSet<>();
        for (StoredEvent event : events) {
            String number = organisation(event);
            if (number != null) {
                numbers.add(number);
            }
        }
        return new Parents(numbers.isEmpty() ? Map.of() : parentsOf(numbers));
    }

    /** The parents of the organisations of a page of events. */
    record Parents(Map<String, Set<String>> byOrganisation) {

        /** The parents of this event's {@code /org/…} alternative subject; empty when it has none. */
        public Set<String> of(StoredEvent event) {
            String organisation = organisation(event);
            return organisation == null ? Set.of() : byOrganisation.getOrDefault(organisation, Set.of());
        }
    }

    private static String organisation(StoredEvent event) {
        return io.herald.subscriptions.access.OrganisationSubjects.number(event.alternativeSubject());
    }
}
