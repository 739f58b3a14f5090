-- +goose Up
-- A ticket opened from a mail is inserted with its first message's words
-- already in tickets.search (the same statement writes both): the messages'
-- trigger then adds nothing, instead of rewriting the new ticket's row (and,
-- the column being indexed, an entry in every index on tickets) once more.
-- A message whose words the ticket holds exactly is skipped the same way.

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION ticket_search_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed bigint[];
BEGIN
    -- New messages add their words (one update per ticket, in id order so
    -- that concurrent statements lock tickets in the same order).
    IF TG_OP = 'INSERT' THEN
        UPDATE tickets t SET search = t.search || x.search
        FROM (SELECT ticket_id, tsvector_agg(search) AS search FROM search_new GROUP BY ticket_id ORDER BY ticket_id) x
        WHERE t.id = x.ticket_id AND x.search <> ''::tsvector AND t.search <> x.search;
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

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION ticket_search_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE tickets t SET search = t.search || x.search
        FROM (SELECT ticket_id, tsvector_agg(search) AS search FROM search_new GROUP BY ticket_id ORDER BY ticket_id) x
        WHERE t.id = x.ticket_id AND x.search <> ''::tsvector;
        RETURN NULL;
    END IF;
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
