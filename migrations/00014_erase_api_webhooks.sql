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

-- +goose Down
DROP TABLE webhook_deliveries, webhooks, api_tokens, erased_mail;
ALTER TABLE tickets DROP COLUMN erased_at;
