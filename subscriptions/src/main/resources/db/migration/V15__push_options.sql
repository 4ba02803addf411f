-- How a subscription's events are pushed: the Content-Type of each POST (receivers that read only
-- application/json, such as Express's express.json(), choose it), and the rate its endpoint allowed in
-- the CloudEvents web hook handshake (WebHook-Allowed-Rate, requests per minute; NULL: no limit).
ALTER TABLE subscription
    ADD COLUMN push_content_type text NOT NULL DEFAULT 'application/cloudevents+json'
        CHECK (push_content_type IN ('application/cloudevents+json', 'application/json')),
    ADD COLUMN allowed_rate integer CHECK (allowed_rate > 0);
