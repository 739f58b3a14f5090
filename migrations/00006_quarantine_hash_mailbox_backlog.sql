-- +goose Up
-- Held mail is recognised by its bytes, like messages by Message-ID and
-- content: a re-scan after a UIDVALIDITY change, or a copy delivered again,
-- is not held a second time.
ALTER TABLE quarantine ADD COLUMN content_hash bytea;
UPDATE quarantine SET content_hash = sha256(raw);
ALTER TABLE quarantine ALTER COLUMN content_hash SET NOT NULL;
CREATE INDEX quarantine_content_idx ON quarantine (content_hash);
-- Copies held before are set aside (kept, as discarded) behind the first.
UPDATE quarantine q SET state = 'discarded'
WHERE state = 'held' AND EXISTS (
    SELECT 1 FROM quarantine o
    WHERE o.content_hash = q.content_hash AND o.id < q.id
      AND (o.mailbox_id = q.mailbox_id OR o.mailbox_id IS NULL));

-- What the last poll that reached the server left there above the
-- checkpoint (highest UID minus last_uid), since when its oldest mail waits,
-- and for how many polls in a row it has not shrunk; stalled_since is set
-- once that count reaches the poller's limit.
ALTER TABLE mailboxes
    ADD COLUMN backlog bigint NOT NULL DEFAULT 0,
    ADD COLUMN backlog_oldest_at timestamptz,
    ADD COLUMN backlog_polls integer NOT NULL DEFAULT 0,
    ADD COLUMN backlog_stalled_since timestamptz;

-- +goose Down
ALTER TABLE mailboxes DROP COLUMN backlog, DROP COLUMN backlog_oldest_at,
    DROP COLUMN backlog_polls, DROP COLUMN backlog_stalled_since;
DROP INDEX quarantine_content_idx;
ALTER TABLE quarantine DROP COLUMN content_hash;
