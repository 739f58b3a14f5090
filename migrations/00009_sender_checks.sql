-- +goose Up
-- A mail that threads into a ticket by Message-ID from an address that is
-- not the ticket's requester: shown to agents as such, never to the customer.
ALTER TABLE messages ADD COLUMN third_party boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE messages DROP COLUMN third_party;
