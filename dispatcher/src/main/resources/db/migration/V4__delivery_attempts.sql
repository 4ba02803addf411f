-- What the dispatcher records: the outcome of each delivery and every attempt at it.
ALTER TABLE delivery
    ADD COLUMN delivered_at     timestamptz,
    ADD COLUMN dead_lettered_at timestamptz,
    ADD COLUMN last_status      int,
    ADD COLUMN last_error       text;

CREATE INDEX delivery_subscription ON delivery (subscription_id, id);

CREATE TABLE delivery_attempt (
    id               bigserial   PRIMARY KEY,
    delivery_id      bigint      NOT NULL REFERENCES delivery (id) ON DELETE CASCADE,
    attempt          int         NOT NULL,
    attempted_at     timestamptz NOT NULL,
    status_code      int,
    latency_ms       int         NOT NULL,
    response_excerpt text,
    error            text,
    outcome          text        NOT NULL
);
CREATE INDEX delivery_attempt_delivery ON delivery_attempt (delivery_id, id);
