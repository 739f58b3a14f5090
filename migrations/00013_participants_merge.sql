-- +goose Up
-- The people on a ticket besides its requester: copied on the customer's
-- mail, or added by an agent or the requester. A removed participant keeps
-- the row (removed_at set), so the next mail that copies them does not add
-- them back; only a person adding them again does.
CREATE TABLE participants (
    ticket_id   bigint NOT NULL REFERENCES tickets(id),
    customer_id bigint NOT NULL REFERENCES customers(id),
    added_by    text NOT NULL DEFAULT '',      -- 'customer:ID', 'agent:ID' or 'mail'
    created_at  timestamptz NOT NULL DEFAULT now(),
    removed_at  timestamptz,
    PRIMARY KEY (ticket_id, customer_id)
);
CREATE INDEX participants_customer_idx ON participants (customer_id) WHERE removed_at IS NULL;

-- A ticket merged into another: its number, links, [#N] token and the
-- Message-IDs of its mail lead to the ticket it was merged into.
ALTER TABLE tickets ADD COLUMN merged_into_id bigint REFERENCES tickets(id);

-- A message that was already on the ticket another was merged into (the
-- same mail, delivered to two mailboxes): kept, but shown once.
ALTER TABLE messages ADD COLUMN duplicate_of bigint REFERENCES messages(id);

ALTER TABLE alerts DROP CONSTRAINT alerts_reason_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_reason_check
    CHECK (reason IN ('received', 'replied', 'info_requested', 'resolved', 'link_requested', 'merged',
                      'agent_new_ticket', 'agent_customer_replied', 'agent_assigned', 'agent_mentioned'));

-- +goose Down
DELETE FROM alerts WHERE reason = 'merged';
ALTER TABLE alerts DROP CONSTRAINT alerts_reason_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_reason_check
    CHECK (reason IN ('received', 'replied', 'info_requested', 'resolved', 'link_requested',
                      'agent_new_ticket', 'agent_customer_replied', 'agent_assigned', 'agent_mentioned'));
ALTER TABLE messages DROP COLUMN duplicate_of;
ALTER TABLE tickets DROP COLUMN merged_into_id;
DROP TABLE participants;
