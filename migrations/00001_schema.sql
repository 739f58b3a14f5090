-- +goose Up
CREATE SEQUENCE ticket_number_seq START 10001;

CREATE TABLE customers (
    id          bigserial PRIMARY KEY,
    email       text NOT NULL UNIQUE,          -- lower-cased address
    name        text NOT NULL DEFAULT '',
    language    text NOT NULL DEFAULT '',      -- '' = unknown, else 'en', 'es'
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agents (
    id             bigserial PRIMARY KEY,
    email          text NOT NULL UNIQUE,
    name           text NOT NULL,
    password_hash  text NOT NULL DEFAULT '',
    disabled       boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE mailboxes (
    id            bigserial PRIMARY KEY,
    name          text NOT NULL UNIQUE,
    url           text NOT NULL,               -- imap[s]://user:pass@host:port/folder
    schedule      text NOT NULL DEFAULT '@every 1m',
    processed_folder text NOT NULL DEFAULT '', -- move here after commit ('' = leave in place)
    mark_seen     boolean NOT NULL DEFAULT false,
    uidvalidity   bigint NOT NULL DEFAULT 0,
    last_uid      bigint NOT NULL DEFAULT 0,
    last_poll_at  timestamptz,
    last_error    text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tickets (
    id             bigserial PRIMARY KEY,
    number         bigint NOT NULL UNIQUE DEFAULT nextval('ticket_number_seq'),
    subject        text NOT NULL,
    status         text NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
    requester_id   bigint NOT NULL REFERENCES customers(id),
    assignee_id    bigint REFERENCES agents(id),
    mailbox_id     bigint REFERENCES mailboxes(id) ON DELETE SET NULL,
    linked_ticket_id bigint REFERENCES tickets(id),
    version        bigint NOT NULL DEFAULT 1,  -- bumped on every change (stale-write check)
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    resolved_at    timestamptz,
    last_customer_at timestamptz
);
CREATE INDEX tickets_requester_idx ON tickets (requester_id, updated_at DESC);
CREATE INDEX tickets_status_idx ON tickets (status, updated_at DESC);

CREATE TABLE messages (
    id            bigserial PRIMARY KEY,
    ticket_id     bigint NOT NULL REFERENCES tickets(id),
    author_kind   text NOT NULL CHECK (author_kind IN ('customer', 'agent', 'system')),
    customer_id   bigint REFERENCES customers(id),
    agent_id      bigint REFERENCES agents(id),
    from_name     text NOT NULL DEFAULT '',
    from_email    text NOT NULL DEFAULT '',
    subject       text NOT NULL DEFAULT '',
    body_text     text COMPRESSION lz4 NOT NULL DEFAULT '',
    body_html     text COMPRESSION lz4 NOT NULL DEFAULT '',    -- as received; sanitised when rendered
    internal      boolean NOT NULL DEFAULT false,
    auto_submitted text NOT NULL DEFAULT '',   -- why it was judged automatic ('' = human)
    source        text NOT NULL CHECK (source IN ('email', 'web')),
    mailbox_id    bigint REFERENCES mailboxes(id) ON DELETE SET NULL,
    uidvalidity   bigint,
    uid           bigint,
    message_id    text NOT NULL,               -- without angle brackets
    in_reply_to   text NOT NULL DEFAULT '',
    refs          text[] NOT NULL DEFAULT '{}',
    content_hash  bytea,
    sent_at       timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    search        tsvector NOT NULL DEFAULT '' -- words of subject and text, built by the store (ticket/search.go)
);
CREATE UNIQUE INDEX messages_uid_key ON messages (mailbox_id, uidvalidity, uid) WHERE uid IS NOT NULL;
CREATE UNIQUE INDEX messages_content_key ON messages (mailbox_id, message_id, content_hash)
    WHERE content_hash IS NOT NULL;
CREATE INDEX messages_message_id_idx ON messages (message_id);
CREATE INDEX messages_ticket_idx ON messages (ticket_id, id);
CREATE INDEX messages_search_idx ON messages USING gin (search);

CREATE TABLE attachments (
    id            bigserial PRIMARY KEY,
    message_id    bigint NOT NULL REFERENCES messages(id),
    filename      text NOT NULL,
    content_type  text NOT NULL,
    content_id    text NOT NULL DEFAULT '',    -- for inline cid: images
    inline        boolean NOT NULL DEFAULT false,
    size          bigint NOT NULL,
    sha256        bytea NOT NULL,
    data          bytea COMPRESSION lz4 NOT NULL
);
CREATE INDEX attachments_message_idx ON attachments (message_id);

CREATE TABLE quarantine (
    id            bigserial PRIMARY KEY,
    mailbox_id    bigint REFERENCES mailboxes(id) ON DELETE SET NULL,
    uidvalidity   bigint,
    uid           bigint,
    reason        text NOT NULL,
    raw           bytea COMPRESSION lz4 NOT NULL,
    state         text NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'retried', 'discarded')),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX quarantine_uid_key ON quarantine (mailbox_id, uidvalidity, uid) WHERE uid IS NOT NULL;

CREATE TABLE events (
    id            bigserial PRIMARY KEY,
    ticket_id     bigint NOT NULL REFERENCES tickets(id),
    kind          text NOT NULL,
    actor         text NOT NULL DEFAULT '',    -- 'customer:ID', 'agent:ID', 'system'
    detail        jsonb NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_ticket_idx ON events (ticket_id, id);

-- The alert outbox: one row per alert; the sender claims rows with FOR UPDATE SKIP LOCKED.
CREATE TABLE alerts (
    id            bigserial PRIMARY KEY,
    ticket_id     bigint NOT NULL REFERENCES tickets(id),
    recipient     text NOT NULL,
    channel       text NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'push')),
    reason        text NOT NULL CHECK (reason IN ('received', 'replied', 'info_requested', 'resolved')),
    language      text NOT NULL DEFAULT '',
    message_id    text NOT NULL UNIQUE,
    state         text NOT NULL DEFAULT 'queued'
                  CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'bounced')),
    tries         int NOT NULL DEFAULT 0,
    last_error    text NOT NULL DEFAULT '',
    send_after    timestamptz NOT NULL DEFAULT now(),
    lease_until   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz
);
CREATE INDEX alerts_due_idx ON alerts (send_after) WHERE state IN ('queued', 'sending');
CREATE INDEX alerts_ticket_idx ON alerts (ticket_id, id);
CREATE INDEX alerts_recipient_sent_idx ON alerts (recipient, sent_at) WHERE sent_at IS NOT NULL;

CREATE TABLE verification_codes (
    email         text PRIMARY KEY,
    code_hash     bytea NOT NULL,
    attempts      int NOT NULL DEFAULT 0,
    purpose       text NOT NULL DEFAULT '',
    ticket_number bigint,
    expires_at    timestamptz NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE code_sends (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL,
    ip            text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX code_sends_email_idx ON code_sends (email, created_at);
CREATE INDEX code_sends_ip_idx ON code_sends (ip, created_at);

CREATE TABLE sessions (
    id_hash       bytea PRIMARY KEY,
    role          text NOT NULL CHECK (role IN ('customer', 'agent')),
    customer_id   bigint REFERENCES customers(id),
    agent_id      bigint REFERENCES agents(id),
    csrf_token    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL
);

-- +goose Down
DROP TABLE sessions, code_sends, verification_codes, alerts, events, quarantine, attachments,
    messages, tickets, mailboxes, agents, customers;
DROP SEQUENCE ticket_number_seq;
