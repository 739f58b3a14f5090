package storage

import (
	"context"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/lang"
	"inboxdesk/ticket"
)

// TicketByNumber returns the ticket with the public number n.
func (s *Store) TicketByNumber(ctx context.Context, n int64) (*ticket.Ticket, error) {
	return ticketByNumber(ctx, s.pool, n, false)
}

// TicketByID returns the ticket with the internal id.
func (s *Store) TicketByID(ctx context.Context, id int64) (*ticket.Ticket, error) {
	return ticketByID(ctx, s.pool, id, false)
}

// Messages returns a ticket's conversation, oldest first, with attachment
// descriptions. Internal notes and machine mail are left out unless
// withInternal (agents see them; customers never do); so is a mail a merge
// found on the ticket already (the same Message-ID).
func (s *Store) Messages(ctx context.Context, ticketID int64, withInternal bool) ([]ticket.Message, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT id, ticket_id, author_kind, coalesce(customer_id, 0), coalesce(agent_id, 0), from_name,
			from_email, subject, body_text, body_html, internal, third_party, auto_submitted, source, message_id,
			created_at, parse_notes
		FROM messages WHERE ticket_id = $1 AND ($2 OR NOT internal) AND duplicate_of IS NULL ORDER BY id`,
		ticketID, withInternal)
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	msgs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ticket.Message, error) {
		var m ticket.Message
		err := r.Scan(&m.ID, &m.TicketID, &m.AuthorKind, &m.CustomerID, &m.AgentID, &m.FromName, &m.FromEmail,
			&m.Subject, &m.Text, &m.HTML, &m.Internal, &m.ThirdParty, &m.AutoSubmitted, &m.Source, &m.MessageID, &m.CreatedAt,
			&m.Notes)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	return msgs, s.attachAttachments(ctx, msgs)
}

// ConversationStamp identifies the current state of a ticket's conversation
// (how many messages and the newest one's id) without loading it: messages
// never change once written, so an equal stamp means the same conversation.
func (s *Store) ConversationStamp(ctx context.Context, ticketID int64, withInternal bool) (count int, lastID int64, err error) {
	err = s.pool.QueryRow(ctx, `SELECT count(*), coalesce(max(id), 0) FROM messages
		WHERE ticket_id = $1 AND ($2 OR NOT internal) AND duplicate_of IS NULL`, ticketID, withInternal).Scan(&count, &lastID)
	if err != nil {
		return 0, 0, fmt.Errorf("conversation stamp: %w", err)
	}
	return count, lastID, nil
}

func (s *Store) attachAttachments(ctx context.Context, msgs []ticket.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		idx[m.ID], ids[i] = i, m.ID
	}
	rows, err := s.pool.Query(ctx, `SELECT id, message_id, filename, content_type, content_id, inline, size
		FROM attachments WHERE message_id = ANY($1) ORDER BY id`, ids)
	if err != nil {
		return fmt.Errorf("attachments: %w", err)
	}
	atts, err := pgx.CollectRows(rows, scanAttachmentInfo)
	if err != nil {
		return fmt.Errorf("attachments: %w", err)
	}
	for _, a := range atts {
		m := &msgs[idx[a.MessageID]]
		m.Attachments = append(m.Attachments, a)
	}
	return nil
}

func scanAttachmentInfo(r pgx.CollectableRow) (ticket.AttachmentInfo, error) {
	var a ticket.AttachmentInfo
	err := r.Scan(&a.ID, &a.MessageID, &a.Filename, &a.ContentType, &a.ContentID, &a.Inline, &a.Size)
	return a, err
}

// Attachment returns one attachment with its bytes.
func (s *Store) Attachment(ctx context.Context, id int64) (*ticket.AttachmentFile, error) {
	var a ticket.AttachmentFile
	err := s.pool.QueryRow(ctx, `SELECT a.id, a.message_id, a.filename, a.content_type, a.content_id, a.inline,
		a.size, m.ticket_id, m.internal, a.data FROM attachments a JOIN messages m ON m.id = a.message_id
		WHERE a.id = $1`, id).Scan(&a.ID, &a.MessageID, &a.Filename, &a.ContentType, &a.ContentID, &a.Inline,
		&a.Size, &a.TicketID, &a.Internal, &a.Data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ticket.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("attachment: %w", err)
	}
	return &a, nil
}

// TicketsByCustomer lists the tickets a customer requested or is a
// participant of, newest activity first (a merged ticket is listed as the
// one it was merged into).
func (s *Store) TicketsByCustomer(ctx context.Context, customerID int64) ([]ticket.Summary, error) {
	return s.summaries(ctx, `WHERE t.id = ANY (ARRAY(`+readableTickets("$1")+`)) AND t.merged_into_id IS NULL
		ORDER BY t.updated_at DESC, t.id DESC`, customerID)
}

// CustomerTickets lists what a customer's page shows of the tickets
// TicketsByCustomer lists, newest activity first: every one still open or
// pending, and of the resolved and closed ones (a customer of many years has
// hundreds) closedLimit from closedOffset.
func (s *Store) CustomerTickets(ctx context.Context, customerID int64, closedLimit, closedOffset int) (open, closed []ticket.Summary, err error) {
	where := `WHERE t.id = ANY (ARRAY(` + readableTickets("$1") + `)) AND t.merged_into_id IS NULL AND t.status = ANY ($2)
		ORDER BY t.updated_at DESC, t.id DESC`
	open, err = s.summaries(ctx, where, customerID, []string{string(ticket.StatusOpen), string(ticket.StatusPending)})
	if err != nil {
		return nil, nil, err
	}
	closed, err = s.summaries(ctx, where+` LIMIT $3 OFFSET $4`, customerID,
		[]string{string(ticket.StatusResolved), string(ticket.StatusClosed)}, closedLimit, closedOffset)
	return open, closed, err
}

func (s *Store) summaries(ctx context.Context, where string, args ...any) ([]ticket.Summary, error) {
	rows, err := s.pool.Query(ctx, `SELECT t.id, t.number, t.subject, t.status, c.email, coalesce(a.name, ''),
		t.updated_at `+ticketFrom+` `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("tickets: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ticket.Summary, error) {
		var x ticket.Summary
		var status string
		err := r.Scan(&x.ID, &x.Number, &x.Subject, &status, &x.RequesterEmail, &x.AssigneeName, &x.UpdatedAt)
		x.Status = ticket.Status(status)
		return x, err
	})
}

// Events returns a ticket's audit trail, oldest first.
func (s *Store) Events(ctx context.Context, ticketID int64) ([]ticket.Event, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, kind, actor, detail, created_at FROM events
		WHERE ticket_id = $1 ORDER BY id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ticket.Event, error) {
		var e ticket.Event
		var actor string
		err := r.Scan(&e.ID, &e.Kind, &actor, &e.Detail, &e.CreatedAt)
		e.Actor = ticket.ParseActor(actor)
		return e, err
	})
}

// CustomerByEmail returns the customer with the address, or ErrNotFound.
func (s *Store) CustomerByEmail(ctx context.Context, email string) (*ticket.Customer, error) {
	var c ticket.Customer
	err := s.pool.QueryRow(ctx, `SELECT id, email, name, language FROM customers WHERE email = lower($1)`, email).
		Scan(&c.ID, &c.Email, &c.Name, &c.Language)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ticket.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("customer: %w", err)
	}
	return &c, nil
}

// EnsureCustomer returns the customer with the address, creating it.
// siteLang is the language the site is showing them ("" if none): a known
// one becomes their site language (see package lang).
func (s *Store) EnsureCustomer(ctx context.Context, email, siteLang string) (*ticket.Customer, error) {
	if _, err := upsertCustomer(ctx, s.pool, ticket.Address{Email: email}, "", lang.Normalize(siteLang)); err != nil {
		return nil, err
	}
	return s.CustomerByEmail(ctx, email)
}
