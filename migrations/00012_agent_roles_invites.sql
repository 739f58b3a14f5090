-- +goose Up
-- Agents have a role: an admin also manages the team (and, later, shared
-- settings); an agent works tickets. Every agent that exists now becomes an
-- admin: until roles, each of them could do everything an admin can, and
-- demoting all but one would lock a team's lead out of what they did before.
ALTER TABLE agents ADD COLUMN role text NOT NULL DEFAULT 'agent'
    CHECK (role IN ('admin', 'agent'));
UPDATE agents SET role = 'admin';

-- An invitation lets the invited address set the agent's password, once,
-- before it expires; a newer invitation of the same agent replaces it.
CREATE TABLE agent_invites (
    id          bigserial PRIMARY KEY,
    agent_id    bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    invited_by  bigint REFERENCES agents (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX agent_invites_agent_idx ON agent_invites (agent_id, id);

-- Canned replies: shared ones (owner_id NULL, managed by admins) and each
-- agent's personal ones. body is a text/template; a macro also sets the
-- status (pending or resolved) and the assignee ('me' or 'none').
CREATE TABLE canned_replies (
    id          bigserial PRIMARY KEY,
    owner_id    bigint REFERENCES agents (id) ON DELETE CASCADE,
    title       text NOT NULL CHECK (title <> ''),
    body        text NOT NULL,
    set_status  text NOT NULL DEFAULT '' CHECK (set_status IN ('', 'pending', 'resolved')),
    set_assign  text NOT NULL DEFAULT '' CHECK (set_assign IN ('', 'me', 'none')),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX canned_replies_owner_idx ON canned_replies (owner_id);

-- Agent notifications travel the customer alerts' outbox: an alert row
-- with agent_id set is a notice to that agent (recipient is their address).
-- Each agent picks the events they are told of and quiet hours (minutes
-- after midnight UTC; a notice due inside them waits for their end), and
-- follows mailboxes to hear of their new tickets.
ALTER TABLE agents
    ADD COLUMN notify_events text[] NOT NULL
        DEFAULT '{new_ticket,customer_replied,assigned,mentioned}',
    ADD COLUMN quiet_from smallint CHECK (quiet_from BETWEEN 0 AND 1439),
    ADD COLUMN quiet_to   smallint CHECK (quiet_to BETWEEN 0 AND 1439);
CREATE TABLE agent_follows (
    agent_id    bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    mailbox_id  bigint NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
    PRIMARY KEY (agent_id, mailbox_id)
);
CREATE INDEX agent_follows_mailbox_idx ON agent_follows (mailbox_id);
ALTER TABLE alerts ADD COLUMN agent_id bigint REFERENCES agents (id) ON DELETE CASCADE;
ALTER TABLE alerts DROP CONSTRAINT alerts_reason_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_reason_check
    CHECK (reason IN ('received', 'replied', 'info_requested', 'resolved', 'link_requested',
                      'agent_new_ticket', 'agent_customer_replied', 'agent_assigned', 'agent_mentioned'));

-- When each agent last had a ticket's page open: the queue marks tickets
-- whose customer wrote since as unread for that agent.
CREATE TABLE agent_ticket_reads (
    agent_id    bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    ticket_id   bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    seen_at     timestamptz NOT NULL,
    PRIMARY KEY (agent_id, ticket_id)
);

-- Each agent's signature, appended to their public replies.
ALTER TABLE agents ADD COLUMN signature text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE agents DROP COLUMN signature;
DROP TABLE agent_ticket_reads;
DELETE FROM alerts WHERE agent_id IS NOT NULL;
ALTER TABLE alerts DROP CONSTRAINT alerts_reason_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_reason_check
    CHECK (reason IN ('received', 'replied', 'info_requested', 'resolved', 'link_requested'));
ALTER TABLE alerts DROP COLUMN agent_id;
DROP TABLE agent_follows;
ALTER TABLE agents DROP COLUMN notify_events, DROP COLUMN quiet_from, DROP COLUMN quiet_to;
DROP TABLE canned_replies;
DROP TABLE agent_invites;
ALTER TABLE agents DROP COLUMN role;
