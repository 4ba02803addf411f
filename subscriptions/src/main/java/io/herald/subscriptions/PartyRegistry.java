package io.herald.subscriptions;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Who belongs to whom among organisations: for {@code includeSubunits}, the parents of a subunit.
 * Herald's built-in registry reads the {@code party_unit} table; a deployment may provide its own
 * bean that asks the platform's register instead.
 */
public interface PartyRegistry {

    /** For each organisation number given that is a subunit, the organisation numbers it belongs to. */
    Map<String, Set<String>> parentsOf(Collection<String> organisationNumbers);
}
