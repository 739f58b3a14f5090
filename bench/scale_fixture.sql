-- The million-ticket fixture of `make bench-scale`, written by set-based SQL
-- into a database the real migrations built. Run once by scripts/bench-scale.sh;
-- the row in scale_fixture says it is built (and which version of this file).
--
-- 200,000 customers, 50 agents, 3 mailboxes, 1,000,000 tickets over five years
-- (5% open, 3% pending, 12% resolved, 80% closed; a fifth unassigned), five
-- messages each (customer and agent in turn, 90-330 characters of text drawn
-- from a 2,000-word vocabulary, an HTML body on the first), one message in
-- 20 with an attachment. Customer 1 has 500 tickets ("My tickets" at its
-- largest); every ticket's subject and first message carry an order number.
\set ON_ERROR_STOP on
SET maintenance_work_mem = '256MB';
SET synchronous_commit = off;
-- Skips the foreign-key triggers while loading (the rows are consistent by construction).
SET session_replication_role = replica;

BEGIN;
CREATE TABLE scale_fixture (version int NOT NULL, built_at timestamptz NOT NULL DEFAULT now(),
    seconds numeric NOT NULL DEFAULT 0);

-- The indexes the migrations made on the big tables (constraints stay), rebuilt after the load.
CREATE TEMP TABLE saved_indexes AS
    SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
    FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
    WHERE t.relname IN ('tickets', 'messages', 'attachments')
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT name FROM saved_indexes LOOP EXECUTE 'DROP INDEX ' || r.name; END LOOP;
END $$;

CREATE TEMP TABLE words AS
    SELECT row_number() OVER () - 1 AS i, w FROM (
        SELECT DISTINCT w FROM (
            SELECT substr(md5(g::text), 1, 3 + g % 6) AS w FROM generate_series(1, 2100) g
            UNION ALL SELECT unnest(string_to_array('printer invoice refund password login order shipping '
                'delivery account billing error broken cannot help urgent please thanks payment card '
                'subscription cancel upgrade screen email address phone reset update missing late '
                'damaged return exchange warranty', ' '))
        ) x
    ) y;
-- 10,000 texts to draw bodies from, with their words as the store writes them (no positions).
CREATE TEMP TABLE texts AS
    SELECT k, body, strip(to_tsvector('simple', body)) AS search FROM (
        SELECT k, string_agg(w.w, ' ' ORDER BY n) AS body
        FROM generate_series(0, 9999) k
        CROSS JOIN LATERAL generate_series(1, 15 + (k * 7919) % 36) n
        JOIN words w ON w.i = (k * 131 + n * n * 17 + n * 7) % (SELECT count(*) FROM words)
        GROUP BY k
    ) b;
CREATE UNIQUE INDEX ON texts (k);

INSERT INTO agents (id, email, name, created_at)
    SELECT g, 'agent' || g || '@support.example', 'Agent ' || g, now() - interval '6 years'
    FROM generate_series(1, 50) g;
INSERT INTO mailboxes (id, name, url, created_at)
    SELECT g, 'box' || g, 'imap://support' || g || ':secret@127.0.0.1:1/INBOX', now() - interval '6 years'
    FROM generate_series(1, 3) g;
INSERT INTO customers (id, email, name, language_mail, created_at)
    SELECT g, 'customer' || g || '@mail' || (g % 97) || '.example', 'Customer ' || g,
        CASE WHEN g % 5 = 0 THEN 'es' ELSE 'en' END, now() - interval '6 years' + g * interval '15 minutes'
    FROM generate_series(1, 200000) g;

-- Ticket t: requester 1 for t <= 500, else spread over the others; the newest tickets are the open ones.
INSERT INTO tickets (id, number, subject, status, requester_id, assignee_id, mailbox_id, version,
        created_at, updated_at, resolved_at, last_customer_at)
    SELECT t, 10000 + t,
        initcap(split_part(x.body, ' ', 1)) || ' ' || split_part(x.body, ' ', 2) || ' ' ||
            split_part(x.body, ' ', 3) || ' order ' || (700000 + t * 3),
        st, CASE WHEN t <= 500 THEN 1 ELSE 2 + t % 199999 END,
        CASE WHEN t % 5 = 0 THEN NULL ELSE 1 + t % 50 END, 1 + t % 3, 5,
        c, c + interval '2 days', CASE WHEN st IN ('resolved', 'closed') THEN c + interval '2 days' END,
        c + interval '1 day'
    FROM generate_series(1, 1000000) t
    CROSS JOIN LATERAL (SELECT now() - interval '5 years' + t * interval '157 seconds' AS c,
        CASE WHEN t > 950000 THEN 'open' WHEN t > 920000 THEN 'pending'
             WHEN t > 800000 THEN 'resolved' ELSE 'closed' END AS st) s
    JOIN texts x ON x.k = t % 10000;

-- Message g is message (g-1) % 5 of ticket 1 + (g-1) / 5; even ones are the customer's mail.
INSERT INTO messages (id, ticket_id, author_kind, customer_id, agent_id, from_name, from_email, subject,
        body_text, body_html, source, mailbox_id, uidvalidity, uid, message_id, in_reply_to, content_hash,
        sent_at, created_at, search)
    SELECT g, tk.id, CASE WHEN cust THEN 'customer' ELSE 'agent' END,
        CASE WHEN cust THEN tk.requester_id END, CASE WHEN NOT cust THEN 1 + tk.id % 50 END,
        CASE WHEN cust THEN 'Customer ' || tk.requester_id ELSE 'Agent ' || (1 + tk.id % 50) END,
        CASE WHEN cust THEN 'customer' || tk.requester_id || '@mail' || (tk.requester_id % 97) || '.example'
             ELSE 'agent' || (1 + tk.id % 50) || '@support.example' END,
        CASE WHEN n = 0 THEN tk.subject ELSE 'Re: ' || tk.subject END,
        CASE WHEN n = 0 THEN tk.subject || E'\n\n' ELSE '' END || x.body,
        CASE WHEN n = 0 THEN '<div><p>' || x.body || '</p></div>' ELSE '' END,
        CASE WHEN cust THEN 'email' ELSE 'web' END, CASE WHEN cust THEN tk.mailbox_id END,
        CASE WHEN cust THEN 1 END, CASE WHEN cust THEN g END,
        'm' || g || '@scale.example', CASE WHEN n > 0 THEN 'm' || (g - 1) || '@scale.example' ELSE '' END,
        CASE WHEN cust THEN decode(md5(g::text), 'hex') END,
        CASE WHEN NOT cust THEN tk.created_at + n * interval '8 hours' END, tk.created_at + n * interval '8 hours',
        CASE WHEN n = 0 THEN strip(to_tsvector('simple', tk.subject)) || x.search ELSE x.search END
    FROM generate_series(1, 5000000) g
    CROSS JOIN LATERAL (SELECT (g - 1) % 5 AS n, (g - 1) % 5 % 2 = 0 AS cust) m
    JOIN tickets tk ON tk.id = 1 + (g - 1) / 5
    JOIN texts x ON x.k = (g * 7) % 10000;

INSERT INTO attachments (id, message_id, filename, content_type, size, sha256, data)
    SELECT g / 20, g, 'scan-' || g || CASE WHEN g % 40 = 0 THEN '.pdf' ELSE '.png' END,
        CASE WHEN g % 40 = 0 THEN 'application/pdf' ELSE 'image/png' END,
        length(d), sha256(d), d
    FROM generate_series(20, 5000000, 20) g
    CROSS JOIN LATERAL (SELECT decode(repeat(md5(g::text), 40 + g % 200), 'hex') AS d) b;

-- Each ticket's words (a later migration's column, kept by triggers that are off while loading).
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'tickets'::regclass AND attname = 'search') THEN
        EXECUTE 'UPDATE tickets t SET search = x.search FROM (SELECT ticket_id, tsvector_agg(search) AS search
            FROM messages GROUP BY ticket_id) x WHERE t.id = x.ticket_id';
    END IF;
END $$;

SELECT setval('customers_id_seq', 200000), setval('agents_id_seq', 50), setval('mailboxes_id_seq', 3),
    setval('tickets_id_seq', 1000000), setval('ticket_number_seq', 1010000),
    setval('messages_id_seq', 5000000), setval('attachments_id_seq', 250000);
COMMIT;

SET session_replication_role = origin;
DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT def FROM saved_indexes LOOP EXECUTE r.def; END LOOP;
END $$;
-- The tabs' counts (a later migration's table) were not kept while the triggers were off.
DO $$ BEGIN
    IF to_regclass('ticket_counts') IS NOT NULL THEN
        DELETE FROM ticket_counts;
        INSERT INTO ticket_counts SELECT status, coalesce(assignee_id, 0), coalesce(mailbox_id, 0), count(*)
            FROM tickets GROUP BY 1, 2, 3;
    END IF;
END $$;
VACUUM ANALYZE customers, agents, mailboxes, tickets, messages, attachments;
INSERT INTO scale_fixture (version) VALUES (2);
