-- +goose Up
-- A mail over the size limit is held with its header only (the whole mail
-- stays on the mail server); it cannot be retried from what we kept.
ALTER TABLE quarantine ADD COLUMN headers_only boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE quarantine DROP COLUMN headers_only;
