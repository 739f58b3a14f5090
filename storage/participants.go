package storage

import (
	"context"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/ticket"
	"net/mail"
	"net/url"
	"strings"
)

// readerCond is the SQL condition that customer (an SQL expression) may
// read ticket (another): they are its requester or one of its participants.
// Every check of a customer's access uses it.
func readerCond(ticket, customer string) string {
	return `(EXISTS (SELECT 1 FROM tickets rt WHERE rt.id = ` + ticket + ` AND rt.requester_id = ` + customer + `)
	OR EXISTS (SELECT 1 FROM participants rp WHERE rp.ticket_id = ` + ticket + ` AND rp.customer_id = ` + customer + `
		AND rp.removed_at IS NULL))`
}

// readableTickets selects the ids of the tickets customer may read, by
// readerCond's rule, from the requester and participant indexes: listing a
// customer's tickets with readerCond tested it on every ticket there is.
func readableTickets(customer string) string {
	return `SELECT rt.id FROM tickets rt WHERE rt.requester_id = ` + customer + `
	UNION SELECT rp.ticket_id FROM participants rp WHERE rp.customer_id = ` + customer + ` AND rp.removed_at IS NULL`
}

// CanRead reports whether the customer is ticketID's requester or one of its
// participants.
func (s *Store) CanRead(ctx context.Context, ticketID, customerID int64) (bool, error) {
	return customerReads(ctx, s.pool, ticketID, customerID)
}

func customerReads(ctx context.Context, q querier, ticketID, customerID int64) (bool, error) {
	var ok bool
	if err := q.QueryRow(ctx, `SELECT `+readerCond("$1", "$2"), ticketID, customerID).Scan(&ok); err != nil {
		return false, fmt.Errorf("ticket access: %w", err)
	}
	return ok, nil
}

// AddressReadsNumber reports whether the address is the requester's or a
// participant's of the ticket numbered n.
func (s *Store) AddressReadsNumber(ctx context.Context, n int64, email string) (bool, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT id FROM tickets WHERE number = $1`, n).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("ticket access: %w", err)
	}
	return addressReads(ctx, s.pool, id, email)
}

// addressReads reports whether the address is ticketID's requester's or one of
// its participants'.
func addressReads(ctx context.Context, q querier, ticketID int64, email string) (bool, error) {
	var ok bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM customers c WHERE c.email = lower($2) AND `+
		readerCond("$1", "c.id")+`)`, ticketID, strings.TrimSpace(email)).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("ticket access: %w", err)
	}
	return ok, nil
}

// Participants lists a ticket's current participants, in the order they came.
func (s *Store) Participants(ctx context.Context, ticketID int64) ([]ticket.Participant, error) {
	rows, err := s.pool.Query(ctx, `SELECT c.id, c.email, c.name, p.added_by, p.created_at
		FROM participants p JOIN customers c ON c.id = p.customer_id
		WHERE p.ticket_id = $1 AND p.removed_at IS NULL ORDER BY p.created_at, c.id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("participants: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ticket.Participant])
}

// AddParticipant adds the address to the ticket's participants (again, if an
// agent had removed it). A customer may add people only to a ticket they
// requested (else ErrNotFound). Our own addresses give ErrOwnAddress, text
// that is not one address ErrInvalidAddress; the requester is never their
// own participant (nothing changes).
func (s *Store) AddParticipant(ctx context.Context, ticketID int64, by ticket.AddedBy, email string) error {
	addr, err := mail.ParseAddress(strings.TrimSpace(email))
	if err != nil || strings.ContainsAny(addr.Address, " \t\r\n<>") {
		return ticket.ErrInvalidAddress
	}
	email = strings.ToLower(addr.Address)
	return s.tx(ctx, func(tx pgx.Tx) error {
		t, err := ticketByID(ctx, tx, ticketID, true)
		if err != nil {
			return err
		}
		if by.CustomerID != 0 && t.RequesterID != by.CustomerID {
			return ticket.ErrNotFound
		}
		own, err := s.ownAddresses(ctx, tx)
		if err != nil {
			return err
		}
		if own[email] {
			return ticket.ErrOwnAddress
		}
		if t.Requester(email) {
			return nil
		}
		cust, err := ensureCustomer(ctx, tx, ticket.Address{Name: addr.Name, Email: email}, "")
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, addParticipantSQL, t.ID, cust, by.Actor().String(), true)
		if err != nil {
			return fmt.Errorf("add participant: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return nil // on the ticket already
		}
		return addEvent(ctx, tx, t.ID, "participant_added", by.Actor(), map[string]any{"email": email})
	})
}

// RemoveParticipant takes a participant off the ticket: they get no more
// alerts, and their links and sessions no longer open it. Mail that copies
// them later does not add them back.
func (s *Store) RemoveParticipant(ctx context.Context, agentID, ticketID, customerID int64) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		var email string
		err := tx.QueryRow(ctx, `UPDATE participants p SET removed_at = now() FROM customers c
			WHERE p.ticket_id = $1 AND p.customer_id = $2 AND p.removed_at IS NULL AND c.id = p.customer_id
			RETURNING c.email`, ticketID, customerID).Scan(&email)
		if errors.Is(err, pgx.ErrNoRows) {
			return ticket.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("remove participant: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM alerts WHERE ticket_id = $1 AND recipient = $2 AND state = $3`,
			ticketID, email, string(ticket.AlertQueued)); err != nil {
			return fmt.Errorf("remove participant: %w", err)
		}
		return addEvent(ctx, tx, ticketID, "participant_removed", ticket.AgentActor(agentID), map[string]any{"email": email})
	})
}

// ownAddresses are the addresses that are never a participant (the loop
// guard): Config.OwnAddresses and every mailbox's address (mailboxAddress).
func (s *Store) ownAddresses(ctx context.Context, q pgx.Tx) (map[string]bool, error) {
	memo, _ := ctx.Value(ownMemoKey{}).(*ownMemo)
	if memo != nil && memo.set != nil {
		return memo.set, nil
	}
	own := map[string]bool{}
	for _, a := range s.cfg.OwnAddresses {
		own[strings.ToLower(strings.TrimSpace(a))] = true
	}
	rows, err := q.Query(ctx, `SELECT url FROM mailboxes`)
	if err != nil {
		return nil, fmt.Errorf("mailbox addresses: %w", err)
	}
	urls, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("mailbox addresses: %w", err)
	}
	for _, raw := range urls {
		if a := mailboxAddress(raw, s.cfg.Domain); a != "" {
			own[a] = true
		}
	}
	if memo != nil {
		memo.set = own
	}
	return own, nil
}

// ownMemo keeps ownAddresses for the rest of one transaction (an ingest
// batch asks for every mail): withOwnMemo puts one in the context.
type ownMemo struct{ set map[string]bool }

type ownMemoKey struct{}

func withOwnMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, ownMemoKey{}, &ownMemo{})
}

// mailboxAddress is the address a mailbox is taken to receive mail at:
// its IMAP user when that is an address, else that user at the desk's own
// domain (user "support", alerts from no-reply@example.com: support@example.com).
func mailboxAddress(rawURL, domain string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil || u.User.Username() == "" {
		return ""
	}
	user := strings.ToLower(u.User.Username())
	if strings.Contains(user, "@") {
		return user
	}
	if domain == "" {
		return ""
	}
	return user + "@" + strings.ToLower(domain)
}

// mailParticipants are the people a customer's mail copies (To and Cc)
// that may become the ticket's participants: our own addresses, those the
// mail was delivered to, the sender and repeats are left out.
func mailParticipants(in *ticket.Inbound, own map[string]bool) []ticket.Address {
	seen := map[string]bool{strings.ToLower(in.From.Email): true}
	for _, a := range in.DeliveredTo {
		seen[strings.ToLower(strings.TrimSpace(a.Email))] = true
	}
	var out []ticket.Address
	for _, a := range append(append([]ticket.Address{}, in.To...), in.Cc...) {
		e := strings.ToLower(strings.TrimSpace(a.Email))
		if e == "" || !strings.Contains(e, "@") || seen[e] || own[e] {
			continue
		}
		seen[e] = true
		out = append(out, ticket.Address{Name: a.Name, Email: e})
	}
	return out
}

// insertParticipantsSQL is the one INSERT of participants: each customer
// (id) of the CTE joining that the statement around it defines joins the
// ticket of the CTE tk, added by the first parameter after the before
// ones (an actor's form, or "merge"). Someone removed from the ticket comes
// back only where the next parameter says so: an agent, the requester or a
// merge adds them on purpose, a mail that copies them does not. It returns
// the customers who joined.
const insertParticipantsSQL = `
	INSERT INTO participants (ticket_id, customer_id, added_by)
	SELECT (SELECT id FROM tk), id, $1::text FROM joining
	ON CONFLICT (ticket_id, customer_id) DO UPDATE SET removed_at = NULL, added_by = EXCLUDED.added_by,
		created_at = now()
	WHERE participants.removed_at IS NOT NULL AND $2::boolean
	RETURNING customer_id`

// addParticipantSQL adds customer $2 to ticket $1 (insertParticipantsSQL).
var addParticipantSQL = numbered(`WITH tk AS (SELECT $1::bigint AS id), joining AS (SELECT $2::bigint AS id)`,
	insertParticipantsSQL)

// addMailParticipantsSQL adds the people of emails $2 (named $3) to ticket
// $1, making customers of those who are not yet, but not its requester.
var addMailParticipantsSQL = numbered(`
	WITH tk AS (SELECT $1::bigint AS id),
	nc AS (SELECT email, name, '' AS language_mail, '' AS language_site
		FROM unnest($2::text[], $3::text[]) AS u (email, name)),
	c AS (`, upsertCustomersSQL, `),
	joining AS (SELECT id FROM c WHERE id <> (SELECT requester_id FROM tickets WHERE id = (SELECT id FROM tk)))`,
	insertParticipantsSQL)

// addMailParticipants adds the people a customer's mail copies to ticket
// t (see mailParticipants), except t's requester and anyone removed from
// it. It returns the ids of the customers newly added.
func (s *Store) addMailParticipants(ctx context.Context, tx pgx.Tx, ticketID int64, in *ticket.Inbound) ([]int64, error) {
	if len(in.To)+len(in.Cc) == 0 {
		return nil, nil
	}
	own, err := s.ownAddresses(ctx, tx)
	if err != nil {
		return nil, err
	}
	addrs := mailParticipants(in, own)
	if len(addrs) == 0 {
		return nil, nil
	}
	emails, names := make([]string, len(addrs)), make([]string, len(addrs))
	for i, a := range addrs {
		emails[i], names[i] = a.Email, a.Name
	}
	rows, err := tx.Query(ctx, addMailParticipantsSQL, ticketID, emails, names, ticket.MailActor.String(), false)
	if err != nil {
		return nil, fmt.Errorf("mail participants: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("mail participants: %w", err)
	}
	if len(ids) > 0 {
		err = addEvent(ctx, tx, ticketID, "participant_added", ticket.MailActor, map[string]any{"count": len(ids)})
	}
	return ids, err
}
