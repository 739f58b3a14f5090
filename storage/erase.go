package storage

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/ticket"
	"strings"
	"time"
)

// erasedDigest is the tombstone of a stored mail: a digest of what ingest
// recognises it by (contentKey), so a re-scan finds it erased.
func erasedDigest(messageID string, contentHash []byte) []byte {
	sum := sha256.Sum256([]byte(messageID + "\x00" + string(contentHash)))
	return sum[:]
}

// EraseCustomer removes or anonymises, in one transaction, everything kept
// about the customer with the address: their tickets' subjects, messages,
// attachments and event details, their messages on other tickets, held raw
// mails that name the address, alerts, push subscriptions, sessions and
// sign-in codes. The erased mails' tombstones keep a re-scan of the mailbox
// from ingesting them again. ErrNotFound when no customer has the address.
func (s *Store) EraseCustomer(ctx context.Context, email string) (ticket.Erased, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var n ticket.Erased
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var cust int64
		err := tx.QueryRow(ctx, `SELECT id FROM customers WHERE email = $1 FOR UPDATE`, email).Scan(&cust)
		if errors.Is(err, pgx.ErrNoRows) {
			return ticket.ErrNotFound
		}
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id FROM tickets WHERE requester_id = $1 ORDER BY id FOR UPDATE`, cust)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		if n, err = s.eraseTickets(ctx, tx, ids, email); err != nil {
			return err
		}
		return eraseCustomerRows(ctx, tx, cust, email, &n)
	})
	if err != nil {
		return ticket.Erased{}, fmt.Errorf("erase customer: %w", err)
	}
	return n, nil
}

// EraseClosedBefore erases the tickets closed (and untouched) for longer than
// age, as EraseCustomer does for one customer's tickets; the customers stay.
func (s *Store) EraseClosedBefore(ctx context.Context, age time.Duration) (ticket.Erased, error) {
	var n ticket.Erased
	err := s.tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id FROM tickets
			WHERE status = 'closed' AND erased_at IS NULL AND updated_at < now() - $1::interval
			ORDER BY id FOR UPDATE`, age)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		n, err = s.eraseTickets(ctx, tx, ids, "")
		return err
	})
	if err != nil {
		return ticket.Erased{}, fmt.Errorf("erase closed tickets: %w", err)
	}
	return n, nil
}

// eraseTickets empties the tickets ids and, when email is set, every
// message from that address elsewhere too, leaving tombstones.
func (s *Store) eraseTickets(ctx context.Context, tx pgx.Tx, ids []int64, email string) (ticket.Erased, error) {
	var n ticket.Erased
	if err := tombstoneMessages(ctx, tx, ids, email); err != nil {
		return n, err
	}
	steps := []struct {
		count *int
		sql   string
	}{
		{&n.Attachments, `DELETE FROM attachments WHERE message_id IN (SELECT id FROM messages
			WHERE ticket_id = ANY(@ids) OR (@email <> '' AND lower(from_email) = @email))`},
		{&n.Messages, `UPDATE messages SET from_name = '', from_email = '', subject = '', body_text = '',
			body_html = '', message_id = 'erased.' || id || '@' || @domain, in_reply_to = '', refs = '{}',
			content_hash = NULL, search = '', parse_notes = '{}'
			WHERE ticket_id = ANY(@ids) OR (@email <> '' AND lower(from_email) = @email)`},
		{&n.Alerts, `DELETE FROM alerts WHERE ticket_id = ANY(@ids) OR (@email <> '' AND recipient = @email)`},
		{&n.Webhooks, `DELETE FROM webhook_deliveries WHERE ticket_id = ANY(@ids)
			OR (@email <> '' AND strpos(lower(payload::text), @email) > 0)`},
		{nil, `UPDATE events SET detail = '{}' WHERE ticket_id = ANY(@ids)
			OR (@email <> '' AND strpos(lower(detail::text), @email) > 0)`},
		{&n.Tickets, `UPDATE tickets SET subject = '', erased_at = now(), version = version + 1
			WHERE id = ANY(@ids)`},
	}
	for _, st := range steps {
		tag, err := tx.Exec(ctx, st.sql, pgx.NamedArgs{"ids": ids, "email": email, "domain": s.cfg.Domain})
		if err != nil {
			return n, err
		}
		if st.count != nil {
			*st.count = int(tag.RowsAffected())
		}
	}
	return n, nil
}

// insertErasedSQL is the one INSERT of erased_mail: the digests of the CTE
// gone that the statement around it defines, each once.
const insertErasedSQL = `INSERT INTO erased_mail (digest) SELECT digest FROM gone ON CONFLICT DO NOTHING`

// tombstoneMessages records the digest of every mail about to be emptied.
func tombstoneMessages(ctx context.Context, tx pgx.Tx, ids []int64, email string) error {
	rows, err := tx.Query(ctx, `SELECT message_id, content_hash FROM messages
		WHERE content_hash IS NOT NULL AND (ticket_id = ANY($1) OR ($2 <> '' AND lower(from_email) = $2))`,
		ids, email)
	if err != nil {
		return err
	}
	var digests [][]byte
	var id string
	var hash []byte
	_, err = pgx.ForEachRow(rows, []any{&id, &hash}, func() error {
		digests = append(digests, erasedDigest(id, hash))
		return nil
	})
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `WITH gone AS (SELECT unnest($1::bytea[]) AS digest) `+insertErasedSQL, digests)
	return err
}

// eraseCustomerRows deletes the customer's held mail, devices, sessions and
// codes and anonymises the customer row itself.
func eraseCustomerRows(ctx context.Context, tx pgx.Tx, cust int64, email string, n *ticket.Erased) error {
	// Held mail is raw bytes: the address may stand in any header, in any case.
	_, err := tx.Exec(ctx, `WITH gone AS (SELECT content_hash AS digest FROM quarantine
		WHERE strpos(lower(encode(raw, 'escape')), $1) > 0) `+insertErasedSQL, email)
	if err != nil {
		return err
	}
	steps := []struct {
		count *int
		sql   string
	}{
		{&n.Quarantined, `DELETE FROM quarantine WHERE strpos(lower(encode(raw, 'escape')), @email) > 0`},
		{&n.Subscriptions, `DELETE FROM push_subscriptions WHERE customer_id = @cust`},
		{&n.Sessions, `DELETE FROM sessions WHERE customer_id = @cust`},
		{&n.Codes, `DELETE FROM verification_codes WHERE email = @email`},
		{&n.Codes, `DELETE FROM code_sends WHERE email = @email`},
		{&n.Codes, `DELETE FROM code_failures WHERE email = @email`},
		{&n.Codes, `DELETE FROM login_failures WHERE email = @email`},
		{nil, `UPDATE customers SET email = 'erased-' || id || '@' || @erased, name = '',
			language_choice = '', language_site = '', language_mail = '' WHERE id = @cust`},
	}
	for _, st := range steps {
		tag, err := tx.Exec(ctx, st.sql, pgx.NamedArgs{"cust": cust, "email": email, "erased": ticket.ErasedDomain})
		if err != nil {
			return err
		}
		if st.count != nil {
			*st.count += int(tag.RowsAffected())
		}
	}
	return nil
}

// erasedIn reports which of the batch's mails were erased: their tombstone is
// stored. They count as known, so a re-scan does not ingest them again.
func erasedIn(ctx context.Context, tx pgx.Tx, mails []ticket.Mail, k knownSet) error {
	byDigest := map[string]string{}
	var digests [][]byte
	for _, m := range mails {
		if m.Parsed != nil {
			d := erasedDigest(m.Parsed.MessageID, m.Parsed.ContentHash)
			byDigest[string(d)] = contentKey(m.Parsed)
			digests = append(digests, d)
		}
	}
	if len(digests) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT digest FROM erased_mail WHERE digest = ANY($1)`, digests)
	if err != nil {
		return fmt.Errorf("dedup erased: %w", err)
	}
	var d []byte
	_, err = pgx.ForEachRow(rows, []any{&d}, func() error {
		k.content[byDigest[string(d)]] = true
		return nil
	})
	return err
}
