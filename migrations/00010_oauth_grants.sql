-- +goose Up
-- OAuth2 grants: named connections a mailbox or the SMTP sender signs in
-- with. Secrets (client secret, refresh and access tokens) are sealed by the
-- application under INBOXDESK_SECRET_KEYS when keys are set.
CREATE TABLE oauth_grants (
    id             bigserial PRIMARY KEY,
    name           text NOT NULL UNIQUE,
    provider       text NOT NULL,               -- microsoft | google | custom
    client_id      text NOT NULL,
    client_secret  text NOT NULL DEFAULT '',
    tenant         text NOT NULL DEFAULT '',
    scopes         text[] NOT NULL DEFAULT '{}',
    device_url     text NOT NULL DEFAULT '',    -- device authorization endpoint (RFC 8628)
    auth_url       text NOT NULL DEFAULT '',    -- authorization endpoint, for the browser flow instead
    token_url      text NOT NULL,
    refresh_token  text NOT NULL,
    access_token   text NOT NULL DEFAULT '',
    access_expiry  timestamptz,
    refreshed_at   timestamptz,
    last_error     text NOT NULL DEFAULT '',    -- why the last refresh failed ('' = fine)
    broken         boolean NOT NULL DEFAULT false, -- the provider refused the grant: renew it
    failures       integer NOT NULL DEFAULT 0,  -- refreshes failed in a row (backoff)
    retry_at       timestamptz,                 -- no refresh is tried before this
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- The grant a mailbox signs in with (its URL's ?oauth=NAME), so that the
-- agent queue can say which mailbox a refused grant stops.
ALTER TABLE mailboxes ADD COLUMN grant_name text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE mailboxes DROP COLUMN grant_name;
DROP TABLE oauth_grants;
