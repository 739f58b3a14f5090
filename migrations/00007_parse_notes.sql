-- +goose Up
-- What the parser could not read as sent (a part whose encoding broke off),
-- shown to agents beside the message.
ALTER TABLE messages ADD COLUMN parse_notes text[] NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE messages DROP COLUMN parse_notes;
