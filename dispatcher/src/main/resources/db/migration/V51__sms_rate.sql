-- Texts per phone number and window, for the SMS channel's rate limit: keyed by the number's keyed
-- hash (subscription.phone_hash, never the number). A window starts with a number's first text; texts
-- beyond herald.sms.rate-limit.per-window are counted in folded and sent as one digest once the window
-- has ended. See docs/adr/0018-sms-channel.md.
CREATE TABLE sms_rate (
    phone_hash   bytea       PRIMARY KEY,
    window_start timestamptz NOT NULL,
    sent         int         NOT NULL,
    folded       int         NOT NULL
);
CREATE INDEX sms_rate_digest_due ON sms_rate (window_start) WHERE folded > 0;
