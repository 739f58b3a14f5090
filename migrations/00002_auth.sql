-- +goose Up
-- Failed agent sign-ins, counted per address and per client address to slow
-- down password guessing (successful sign-ins clear the address's rows).
CREATE TABLE login_failures (
    id          bigserial PRIMARY KEY,
    email       text NOT NULL,
    ip          text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (email, created_at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, created_at);

-- A session belongs to exactly the kind of person its role names.
ALTER TABLE sessions ADD CONSTRAINT sessions_owner_check CHECK (
    (role = 'customer' AND customer_id IS NOT NULL AND agent_id IS NULL) OR
    (role = 'agent' AND agent_id IS NOT NULL AND customer_id IS NULL));
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
CREATE INDEX sessions_customer_idx ON sessions (customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX sessions_agent_idx ON sessions (agent_id) WHERE agent_id IS NOT NULL;
CREATE INDEX verification_codes_expires_idx ON verification_codes (expires_at);

-- +goose Down
DROP INDEX verification_codes_expires_idx;
DROP INDEX sessions_agent_idx;
DROP INDEX sessions_customer_idx;
DROP INDEX sessions_expires_idx;
ALTER TABLE sessions DROP CONSTRAINT sessions_owner_check;
DROP TABLE login_failures;
