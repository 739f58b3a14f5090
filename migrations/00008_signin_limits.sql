-- +goose Up
-- A one-time code belongs to the browser that asked for it: the SHA-256 of
-- that browser's nonce cookie is stored with the code, and only a check
-- carrying the same nonce finds it. Each browser has its own code per
-- address, so a stranger's requests and tries never touch the owner's code.
-- Codes made before this change had no browser and can no longer be used.
DELETE FROM verification_codes;
ALTER TABLE verification_codes ADD COLUMN browser_hash bytea NOT NULL;
ALTER TABLE verification_codes DROP CONSTRAINT verification_codes_pkey;
ALTER TABLE verification_codes ADD PRIMARY KEY (email, browser_hash);

-- Sends are counted per (address, client) as well as per address.
CREATE INDEX code_sends_email_ip_idx ON code_sends (email, ip, created_at);

-- Wrong code checks, counted per client and per address per day.
CREATE TABLE code_failures (
    id          bigserial PRIMARY KEY,
    email       text NOT NULL,
    ip          text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX code_failures_email_idx ON code_failures (email, created_at);
CREATE INDEX code_failures_ip_idx ON code_failures (ip, created_at);

-- Failed agent sign-ins are counted per (address, client), and per device.
CREATE INDEX login_failures_email_ip_idx ON login_failures (email, ip, created_at);
ALTER TABLE login_failures ADD COLUMN device_hash bytea;
CREATE INDEX login_failures_device_idx ON login_failures (device_hash, created_at) WHERE device_hash IS NOT NULL;

-- Browsers an agent has signed in from: the SHA-256 of a device cookie.
-- Failed sign-ins by others never refuse a right password from one of them.
CREATE TABLE agent_devices (
    token_hash   bytea PRIMARY KEY,
    agent_id     bigint NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz NOT NULL
);
CREATE INDEX agent_devices_agent_idx ON agent_devices (agent_id);

-- +goose Down
DROP TABLE agent_devices;
DROP INDEX login_failures_device_idx;
ALTER TABLE login_failures DROP COLUMN device_hash;
DROP INDEX login_failures_email_ip_idx;
DROP TABLE code_failures;
DROP INDEX code_sends_email_ip_idx;
DELETE FROM verification_codes;
ALTER TABLE verification_codes DROP CONSTRAINT verification_codes_pkey;
ALTER TABLE verification_codes DROP COLUMN browser_hash;
ALTER TABLE verification_codes ADD PRIMARY KEY (email);
