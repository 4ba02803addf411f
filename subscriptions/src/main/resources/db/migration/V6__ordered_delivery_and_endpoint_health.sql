-- Opt-in ordered delivery per subscription, and since when its endpoint has failed without a success
-- in between (the dispatcher disables a subscription whose endpoint keeps failing for days).
ALTER TABLE subscription
    ADD COLUMN ordered_delivery boolean NOT NULL DEFAULT false,
    ADD COLUMN failing_since    timestamptz;

CREATE INDEX subscription_failing ON subscription (failing_since) WHERE failing_since IS NOT NULL;

-- Ordered delivery asks "is an earlier delivery of this subscription still pending?" before each
-- claim: answered from the pending rows alone, however long the subscription's history.
CREATE INDEX delivery_pending_in_order ON delivery (subscription_id, event_tx, event_seq) WHERE status = 'pending';
