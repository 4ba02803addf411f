-- Rotating a subscription's signing secret: the previous one keeps signing (beside the new one)
-- until previous_secret_until, so receivers can switch without missing a delivery.
ALTER TABLE subscription
    ADD COLUMN previous_secret       bytea,
    ADD COLUMN previous_secret_until timestamptz;
