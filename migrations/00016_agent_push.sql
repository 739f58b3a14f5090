-- +goose Up
-- Agents get notices by email, browser push or both; without a subscribed
-- browser an agent always gets email, whatever this says. An agent's browser
-- subscribes like a customer's: a push subscription belongs to one customer
-- or one agent.
ALTER TABLE agents ADD COLUMN notify_channels text NOT NULL DEFAULT 'email'
    CHECK (notify_channels IN ('email', 'push', 'both'));
ALTER TABLE push_subscriptions ALTER COLUMN customer_id DROP NOT NULL;
ALTER TABLE push_subscriptions ADD COLUMN agent_id bigint REFERENCES agents (id) ON DELETE CASCADE;
ALTER TABLE push_subscriptions ADD CONSTRAINT push_subscriptions_owner_check
    CHECK ((customer_id IS NULL) <> (agent_id IS NULL));
CREATE INDEX push_subscriptions_agent_idx ON push_subscriptions (agent_id, id) WHERE agent_id IS NOT NULL;

-- +goose Down
DELETE FROM alerts WHERE agent_id IS NOT NULL AND channel = 'push';
DELETE FROM push_subscriptions WHERE agent_id IS NOT NULL;
DROP INDEX push_subscriptions_agent_idx;
ALTER TABLE push_subscriptions DROP CONSTRAINT push_subscriptions_owner_check;
ALTER TABLE push_subscriptions DROP COLUMN agent_id;
ALTER TABLE push_subscriptions ALTER COLUMN customer_id SET NOT NULL;
ALTER TABLE agents DROP COLUMN notify_channels;
