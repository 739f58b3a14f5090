-- +goose Up
-- The agents' queue at a million tickets.
--
-- Each order the queue lists in (newest activity first, the id breaking ties;
-- under a status tab or all of them; for an assignee, none, or a mailbox) has
-- an index that yields a page without sorting the tickets.
CREATE INDEX tickets_queue_idx ON tickets (updated_at DESC, id DESC);
CREATE INDEX tickets_status_queue_idx ON tickets (status, updated_at DESC, id DESC);
CREATE INDEX tickets_assignee_queue_idx ON tickets (assignee_id, updated_at DESC, id DESC);
CREATE INDEX tickets_mailbox_queue_idx ON tickets (mailbox_id, updated_at DESC, id DESC);
DROP INDEX tickets_status_idx; -- served by tickets_status_queue_idx

-- The tabs' counts: how many tickets per status, assignee and mailbox (0 =
-- none), kept by the statements that write tickets, so a count reads a few
-- hundred rows instead of every ticket. A statement that changes no ticket's
-- status, assignee or mailbox touches no row here; one that does locks its rows
-- in key order until its transaction ends.
CREATE TABLE ticket_counts (
    status      text NOT NULL,
    assignee_id bigint NOT NULL,
    mailbox_id  bigint NOT NULL,
    n           bigint NOT NULL,
    PRIMARY KEY (status, assignee_id, mailbox_id)
);
INSERT INTO ticket_counts
    SELECT status, coalesce(assignee_id, 0), coalesce(mailbox_id, 0), count(*) FROM tickets GROUP BY 1, 2, 3;

-- +goose StatementBegin
CREATE FUNCTION ticket_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Static statements (their plans are kept): an update that moves no ticket between
    -- counts, as most do (a new message bumps updated_at), writes nothing.
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ticket_counts AS c (status, assignee_id, mailbox_id, n)
        SELECT status, coalesce(assignee_id, 0), coalesce(mailbox_id, 0), count(*) FROM counts_new
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (status, assignee_id, mailbox_id) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE ticket_counts c SET n = c.n - x.n FROM (
            SELECT status, coalesce(assignee_id, 0) a, coalesce(mailbox_id, 0) m, count(*) n FROM counts_old
            GROUP BY 1, 2, 3) x
        WHERE c.status = x.status AND c.assignee_id = x.a AND c.mailbox_id = x.m;
    ELSIF EXISTS (SELECT 1 FROM counts_old o JOIN counts_new w ON w.id = o.id WHERE (o.status, o.assignee_id, o.mailbox_id)
            IS DISTINCT FROM (w.status, w.assignee_id, w.mailbox_id)) THEN
        INSERT INTO ticket_counts AS c (status, assignee_id, mailbox_id, n)
        SELECT status, a, m, sum(d) FROM (
            SELECT status, coalesce(assignee_id, 0) a, coalesce(mailbox_id, 0) m, 1 d FROM counts_new
            UNION ALL
            SELECT status, coalesce(assignee_id, 0), coalesce(mailbox_id, 0), -1 FROM counts_old
        ) x GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (status, assignee_id, mailbox_id) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER ticket_counts_insert AFTER INSERT ON tickets REFERENCING NEW TABLE AS counts_new
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_counts_apply();
CREATE TRIGGER ticket_counts_update AFTER UPDATE ON tickets REFERENCING OLD TABLE AS counts_old NEW TABLE AS counts_new
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_counts_apply();
CREATE TRIGGER ticket_counts_delete AFTER DELETE ON tickets REFERENCING OLD TABLE AS counts_old
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_counts_apply();

-- +goose Down
DROP TRIGGER ticket_counts_delete ON tickets;
DROP TRIGGER ticket_counts_update ON tickets;
DROP TRIGGER ticket_counts_insert ON tickets;
DROP FUNCTION ticket_counts_apply();
DROP TABLE ticket_counts;
CREATE INDEX tickets_status_idx ON tickets (status, updated_at DESC);
DROP INDEX tickets_mailbox_queue_idx, tickets_assignee_queue_idx, tickets_status_queue_idx, tickets_queue_idx;
