-- +goose Up
-- Erasure leaves a tombstone per erased mail: a digest of what ingest
-- recognises a mail by (Message-ID + content hash for stored messages, the
-- raw bytes' hash for held ones), so a re-scan of the mailbox does not bring
-- the mail back. A digest names no address and no content.
CREATE TABLE erased_mail (
    digest      bytea PRIMARY KEY,
    erased_at   timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE tickets ADD COLUMN erased_at timestamptz;

-- Personal access tokens of agents for the REST API: only a hash is kept.
CREATE TABLE api_tokens (
    id            bigserial PRIMARY KEY,
    agent_id      bigint NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    name          text NOT NULL,
    token_hash    bytea NOT NULL UNIQUE,
    scope         text NOT NULL CHECK (scope IN ('read', 'write')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX api_tokens_agent_idx ON api_tokens (agent_id, id);

-- Webhooks and their durable outbox: a delivery row is written in the same
-- transaction as the change it reports.
CREATE TABLE webhooks (
    id          bigserial PRIMARY KEY,
    url         text NOT NULL,
    events      text[] NOT NULL,
    secret      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE webhook_deliveries (
    id             bigserial PRIMARY KEY,
    webhook_id     bigint NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    ticket_id      bigint REFERENCES tickets(id),
    event          text NOT NULL,
    payload        jsonb NOT NULL,
    state          text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'delivered', 'failed')),
    tries          int NOT NULL DEFAULT 0,
    send_after     timestamptz NOT NULL DEFAULT now(),
    lease_until    timestamptz,
    last_status    int NOT NULL DEFAULT 0,
    last_response  text NOT NULL DEFAULT '',
    last_error     text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    delivered_at   timestamptz
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (send_after) WHERE state = 'queued';
CREATE INDEX webhook_deliveries_ticket_idx ON webhook_deliveries (ticket_id);

-- Which audit events a webhook may be registered for: event kind, the
-- actor it must come from ('' = anyone), the webhook event it makes.
CREATE TABLE webhook_event_kinds (
    kind          text NOT NULL,
    actor_prefix  text NOT NULL DEFAULT '',
    event         text NOT NULL,
    PRIMARY KEY (kind, actor_prefix, event)
);
INSERT INTO webhook_event_kinds (kind, actor_prefix, event) VALUES
    ('created', '', 'ticket.created'),
    ('customer_replied', '', 'customer.replied'),
    ('reopened', 'customer:', 'customer.replied'),
    ('reopened', '', 'ticket.status_changed'),
    ('agent_replied', '', 'agent.replied'),
    ('info_requested', '', 'agent.replied'),
    ('info_requested', '', 'ticket.status_changed'),
    ('resolved', '', 'ticket.status_changed'),
    ('closed', '', 'ticket.status_changed'),
    ('assigned', '', 'ticket.assigned');

-- Every statement that writes audit events (any path: ingest, the pages,
-- the API, housekeeping) queues the deliveries in the same transaction.
-- +goose StatementBegin
CREATE FUNCTION inboxdesk_webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM webhooks) THEN
        RETURN NULL;
    END IF;
    INSERT INTO webhook_deliveries (webhook_id, ticket_id, event, payload)
    SELECT w.id, e.ticket_id, k.event, jsonb_build_object('type', k.event, 'timestamp', e.created_at,
        'data', jsonb_build_object(
            'ticket', jsonb_build_object('number', t.number, 'subject', t.subject, 'status', t.status,
                'requester_email', c.email, 'assignee_id', t.assignee_id),
            'event', jsonb_build_object('id', e.id, 'kind', e.kind, 'actor', e.actor)))
    FROM new_events e
    JOIN webhook_event_kinds k ON k.kind = e.kind AND starts_with(e.actor, k.actor_prefix)
    JOIN webhooks w ON k.event = ANY (w.events)
    JOIN tickets t ON t.id = e.ticket_id
    JOIN customers c ON c.id = t.requester_id
    ORDER BY e.id, w.id;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER events_webhooks AFTER INSERT ON events REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION inboxdesk_webhook_outbox();

-- +goose Down
DROP TRIGGER events_webhooks ON events;
DROP FUNCTION inboxdesk_webhook_outbox();
DROP TABLE webhook_event_kinds;
DROP TABLE webhook_deliveries, webhooks, api_tokens, erased_mail;
ALTER TABLE tickets DROP COLUMN erased_at;
