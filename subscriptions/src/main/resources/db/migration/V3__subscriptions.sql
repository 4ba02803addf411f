-- Subscriptions, the catalog version that tells instances of changes, the matcher's leases and
-- the deliveries it writes. See docs/adr/0005-subscription-changes.md and 0006-matcher-leases.md.

-- Every change to a subscription takes the next catalog version under this row's lock, so
-- versions are handed out in commit order and "all changes up to version v" is well defined.
CREATE TABLE subscription_catalog (
    id      int    PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO subscription_catalog (id, version) VALUES (1, 0);

CREATE TABLE subscription (
    id                         bigserial   PRIMARY KEY,
    consumer                   text        NOT NULL,
    created_by                 text        NOT NULL,
    end_point                  text        NOT NULL,
    resource_filter            text        NOT NULL,
    source_filter              text,
    subject_filter             text,
    alternative_subject_filter text,
    type_filter                text,
    include_subunits           boolean     NOT NULL DEFAULT false,
    -- the signing secret, AES-GCM encrypted under herald.subscriptions.secret-key
    secret                     bytea       NOT NULL,
    paused                     boolean     NOT NULL DEFAULT false,
    created_at                 timestamptz NOT NULL,
    -- set by the validation handshake; events of transactions after validated_tx are matched
    validated_at               timestamptz,
    validated_tx               bigint,
    validation_attempts        int         NOT NULL DEFAULT 0,
    next_validation_at         timestamptz,
    last_validation_error      text,
    -- why Herald turned it off (its endpoint answered 410 Gone); cleared on resume
    disabled_reason            text,
    version                    bigint      NOT NULL
);
CREATE INDEX subscription_consumer ON subscription (consumer, id);
CREATE INDEX subscription_version ON subscription (version);
CREATE INDEX subscription_validation_due ON subscription (next_validation_at) WHERE validated_at IS NULL;

-- Deleted subscriptions, so that instances drop them from their index. Correctness does not depend
-- on them (the delivery insert re-checks the subscription), so old ones may be pruned.
CREATE TABLE subscription_tombstone (
    id      bigint PRIMARY KEY,
    version bigint NOT NULL
);
CREATE INDEX subscription_tombstone_version ON subscription_tombstone (version);

-- Organisation → subunit relation for includeSubunits (the built-in party registry).
CREATE TABLE party_unit (
    parent_org_number  text NOT NULL,
    subunit_org_number text NOT NULL,
    PRIMARY KEY (subunit_org_number, parent_org_number)
);

-- Each range of the log (herald_log_range, migration V2) is leased to one instance, which
-- records how far it has matched.
CREATE TABLE matcher_instance (
    id           text        PRIMARY KEY,
    heartbeat_at timestamptz NOT NULL
);

CREATE TABLE matcher_lease (
    range_id       int         PRIMARY KEY,
    ranges         int         NOT NULL,
    owner          text,
    expires_at     timestamptz NOT NULL DEFAULT '-infinity',
    checkpoint_tx  bigint      NOT NULL DEFAULT 0,
    checkpoint_seq bigint      NOT NULL DEFAULT 0
);

-- One row per (subscription, event) to push. Written by the matcher, worked by the dispatcher.
CREATE TABLE delivery (
    id              bigserial   PRIMARY KEY,
    subscription_id bigint      NOT NULL REFERENCES subscription (id) ON DELETE CASCADE,
    event_tx        bigint      NOT NULL,
    event_seq       bigint      NOT NULL,
    event_stored_at timestamptz NOT NULL,
    status          text        NOT NULL DEFAULT 'pending',
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    UNIQUE (subscription_id, event_tx, event_seq)
);
CREATE INDEX delivery_due ON delivery (next_attempt_at) WHERE status = 'pending';
