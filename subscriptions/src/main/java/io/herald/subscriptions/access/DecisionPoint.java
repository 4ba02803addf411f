package io.herald.subscriptions.access;

import java.util.List;

/**
 * A policy decision point: answers many requests at once (a page of events, a batch of matches),
 * one decision per request in the same order. An implementation that cannot answer says
 * {@link Decision#INDETERMINATE} (or throws), which Herald treats as a deny.
 */
public interface DecisionPoint {

    List<Decision> decide(List<AccessRequest> requests);
}
