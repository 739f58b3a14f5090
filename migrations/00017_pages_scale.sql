-- +goose Up
-- The agents' pages and search at a million tickets, second step.

-- "Unassigned" lists from the unassigned tickets alone (a fifth of them)
-- instead of walking every ticket in the queue's order and skipping the others.
CREATE INDEX tickets_unassigned_queue_idx ON tickets (updated_at DESC, id DESC) WHERE assignee_id IS NULL;
CREATE INDEX tickets_unassigned_status_queue_idx ON tickets (status, updated_at DESC, id DESC)
    WHERE assignee_id IS NULL;

-- Parts of addresses and names (the search box matches them anywhere) are
-- found by trigram indexes instead of reading every customer.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX customers_email_trgm_idx ON customers USING gin (email gin_trgm_ops);
CREATE INDEX customers_name_trgm_idx ON customers USING gin (name gin_trgm_ops);

-- Every word of every message of a ticket (quoted history, internal notes
-- and all), so that a search reads one index over the tickets instead of the
-- messages' and then millions of message rows to learn their tickets. Kept
-- by the triggers below, whatever path writes messages. Filling it rewrites
-- every ticket (about nine minutes for a million on two busy cores).
CREATE AGGREGATE tsvector_agg(tsvector) (SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '');
ALTER TABLE tickets ADD COLUMN search tsvector NOT NULL DEFAULT '';
-- Filling the column moves no ticket between the tabs' counts.
ALTER TABLE tickets DISABLE TRIGGER ticket_counts_update;
UPDATE tickets t SET search = x.search
    FROM (SELECT ticket_id, tsvector_agg(search) AS search FROM messages GROUP BY ticket_id) x
    WHERE t.id = x.ticket_id AND x.search <> ''::tsvector;
ALTER TABLE tickets ENABLE TRIGGER ticket_counts_update;
CREATE INDEX tickets_search_idx ON tickets USING gin (search);
DROP INDEX messages_search_idx; -- no query reads it now; one index fewer to write per message

-- +goose StatementBegin
CREATE FUNCTION ticket_search_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed bigint[];
BEGIN
    -- New messages add their words (one update per ticket, in id order so
    -- that concurrent statements lock tickets in the same order).
    IF TG_OP = 'INSERT' THEN
        UPDATE tickets t SET search = t.search || x.search
        FROM (SELECT ticket_id, tsvector_agg(search) AS search FROM search_new GROUP BY ticket_id ORDER BY ticket_id) x
        WHERE t.id = x.ticket_id AND x.search <> ''::tsvector;
        RETURN NULL;
    END IF;
    -- A message erased, deleted or moved to another ticket (merge, split):
    -- the tickets it left and joined are gathered again from their messages,
    -- so that no search finds a ticket by words it no longer holds.
    IF TG_OP = 'DELETE' THEN
        changed := ARRAY(SELECT DISTINCT ticket_id FROM search_old ORDER BY 1);
    ELSE
        changed := ARRAY(SELECT DISTINCT unnest(ARRAY[o.ticket_id, w.ticket_id]) FROM search_old o
            JOIN search_new w ON w.id = o.id WHERE (o.ticket_id, o.search) IS DISTINCT FROM (w.ticket_id, w.search) ORDER BY 1);
    END IF;
    IF cardinality(changed) > 0 THEN
        UPDATE tickets t SET search = coalesce((SELECT tsvector_agg(m.search) FROM messages m WHERE m.ticket_id = t.id), '')
        WHERE t.id = ANY (changed);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER messages_search_insert AFTER INSERT ON messages REFERENCING NEW TABLE AS search_new
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_apply();
CREATE TRIGGER messages_search_update AFTER UPDATE ON messages REFERENCING OLD TABLE AS search_old NEW TABLE AS search_new
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_apply();
CREATE TRIGGER messages_search_delete AFTER DELETE ON messages REFERENCING OLD TABLE AS search_old
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_apply();

-- +goose Down
DROP TRIGGER messages_search_delete ON messages;
DROP TRIGGER messages_search_update ON messages;
DROP TRIGGER messages_search_insert ON messages;
DROP FUNCTION ticket_search_apply();
CREATE INDEX messages_search_idx ON messages USING gin (search);
DROP INDEX tickets_search_idx;
ALTER TABLE tickets DROP COLUMN search;
DROP AGGREGATE tsvector_agg(tsvector);
DROP INDEX customers_name_trgm_idx, customers_email_trgm_idx;
DROP INDEX tickets_unassigned_status_queue_idx, tickets_unassigned_queue_idx;
