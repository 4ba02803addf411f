-- SMS as a third channel: the subscription names a phone number (E.164) instead of an endpoint.
-- The number is personal data: phone_number is AES-GCM sealed under herald.subscriptions.secret-key
-- (like push_keys), phone_hash a keyed HMAC of it so that an inbound STOP finds the number's
-- subscriptions without decrypting every row; end_point holds only the masked number (sms:+47*****567).
-- An SMS subscription is validated once its owner confirms the code Herald texted (sms_verification).
-- See docs/adr/0018-sms-channel.md.
ALTER TABLE subscription DROP CONSTRAINT subscription_channel_check;
ALTER TABLE subscription
    ADD CONSTRAINT subscription_channel_check CHECK (channel IN ('webhook', 'web-push', 'sms')),
    ADD COLUMN phone_number bytea,
    ADD COLUMN phone_hash   bytea,
    ADD CONSTRAINT subscription_phone_number
        CHECK ((channel = 'sms') = (phone_number IS NOT NULL AND phone_hash IS NOT NULL));
CREATE INDEX subscription_phone_hash ON subscription (phone_hash) WHERE phone_hash IS NOT NULL;

-- The code texted to confirm a number: only its keyed hash is kept. A code is void once it expired
-- or its tries are used up; a new one is sent on request, at most one per resend interval.
CREATE TABLE sms_verification (
    subscription_id bigint      PRIMARY KEY REFERENCES subscription (id) ON DELETE CASCADE,
    code_hash       bytea       NOT NULL,
    expires_at      timestamptz NOT NULL,
    tries_left      int         NOT NULL,
    sent_at         timestamptz NOT NULL
);
