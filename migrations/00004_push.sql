-- +goose Up
-- Browser push (Web Push, RFC 8030/8291/8292): one row per customer device
-- that subscribed. The endpoint is the push service's URL for that browser;
-- p256dh and auth are the browser's keys the payload is encrypted to.
CREATE TABLE push_subscriptions (
    id            bigserial PRIMARY KEY,
    customer_id   bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    endpoint      text NOT NULL UNIQUE,
    p256dh        text NOT NULL,
    auth          text NOT NULL,
    label         text NOT NULL DEFAULT '',    -- the browser's User-Agent, shortened, to tell devices apart
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used     timestamptz,
    last_alert_id bigint                       -- the alert last delivered here (a retry skips this device)
);
CREATE INDEX push_subscriptions_customer_idx ON push_subscriptions (customer_id, id);

-- Which channels a customer with push subscriptions wants alerts on. Without
-- a subscription a customer always gets email, whatever this says.
ALTER TABLE customers ADD COLUMN alert_channels text NOT NULL DEFAULT 'both'
    CHECK (alert_channels IN ('email', 'push', 'both'));

-- The VAPID key pair (RFC 8292) generated on first start when none is
-- configured, shared by every replica. At most one row.
CREATE TABLE vapid_keys (
    id           int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    public_key   text NOT NULL,
    private_key  text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE vapid_keys;
ALTER TABLE customers DROP COLUMN alert_channels;
DROP TABLE push_subscriptions;
