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

-- +goose Down
DROP TABLE canned_replies;
DROP TABLE agent_invites;
ALTER TABLE agents DROP COLUMN role;
