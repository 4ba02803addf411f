-- Each subscription has exactly one channel: its webhook (end_point), or Web Push, where end_point
-- is the push service's URL and push_keys the browser's keys (p256dh and auth), AES-GCM
-- encrypted under herald.subscriptions.secret-key like the signing secrets. See docs/adr/0017-delivery-channels.md.
ALTER TABLE subscription
    ADD COLUMN channel   text  NOT NULL DEFAULT 'webhook' CHECK (channel IN ('webhook', 'web-push')),
    ADD COLUMN push_keys bytea,
    ADD CONSTRAINT subscription_push_keys CHECK ((channel = 'web-push') = (push_keys IS NOT NULL));
