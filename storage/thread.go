package storage

import (
	"context"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/ticket"
	"time"
)

// findThread finds the ticket an inbound mail belongs to, or nil:
//  1. a Message-ID we know (one of our alerts, or a stored message) in
//     In-Reply-To or References;
//  2. the subject token "[#12345]" when the sender is that ticket's
//     requester or one of its participants.
func (s *Store) findThread(ctx context.Context, tx pgx.Tx, in *ticket.Inbound) (*ticket.Ticket, error) {
	ids := append(append([]string{}, in.InReplyTo...), in.References...)
	if len(ids) > 0 {
		var id int64
		err := tx.QueryRow(ctx, `
			SELECT ticket_id FROM (
				SELECT ticket_id, 0 AS pref FROM alerts WHERE message_id = ANY($1)
				UNION ALL
				SELECT ticket_id, 1 FROM messages WHERE message_id = ANY($1)
			) m ORDER BY pref LIMIT 1`, ids).Scan(&id)
		switch {
		case err == nil:
			t, err := ticketByID(ctx, tx, id, true)
			if err != nil {
				return nil, err
			}
			return followMerged(ctx, tx, t)
		case !errors.Is(err, pgx.ErrNoRows):
			return nil, fmt.Errorf("thread by message-id: %w", err)
		}
	}
	n := ticket.SubjectNumber(in.Subject)
	if n == 0 || in.From.Email == "" {
		return nil, nil
	}
	t, err := ticketByNumber(ctx, tx, n, true)
	if errors.Is(err, ticket.ErrNotFound) {
		return nil, nil
	}
	if err == nil {
		t, err = followMerged(ctx, tx, t)
	}
	if err != nil {
		return nil, err
	}
	if reads, err := addressReads(ctx, tx, t.ID, in.From.Email); err != nil || !reads {
		return nil, err
	}
	return t, nil
}

// querier is what both a pool and a transaction offer.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

const ticketColumns = `
	t.id, t.number, t.subject, t.status, t.requester_id, c.email, c.name,
	coalesce(t.assignee_id, 0), coalesce(a.name, ''), coalesce(t.mailbox_id, 0),
	coalesce(t.linked_ticket_id, 0),
	coalesce((SELECT lt.number FROM tickets lt WHERE lt.id = t.linked_ticket_id), 0),
	coalesce(t.merged_into_id, 0), coalesce((SELECT mt.number FROM tickets mt WHERE mt.id = t.merged_into_id), 0),
	t.version, t.created_at, t.updated_at, t.resolved_at`

const ticketFrom = `
	FROM tickets t JOIN customers c ON c.id = t.requester_id LEFT JOIN agents a ON a.id = t.assignee_id`

func scanTicket(row pgx.Row) (*ticket.Ticket, error) {
	var t ticket.Ticket
	var status string
	var resolved *time.Time
	err := row.Scan(&t.ID, &t.Number, &t.Subject, &status, &t.RequesterID, &t.RequesterEmail, &t.RequesterName,
		&t.AssigneeID, &t.AssigneeName, &t.MailboxID, &t.LinkedTicketID, &t.LinkedNumber, &t.MergedIntoID, &t.MergedNumber, &t.Version, &t.CreatedAt, &t.UpdatedAt,
		&resolved)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ticket.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load ticket: %w", err)
	}
	t.Status = ticket.Status(status)
	t.ResolvedAt = nullTime(resolved)
	return &t, nil
}

func ticketByID(ctx context.Context, q querier, id int64, lock bool) (*ticket.Ticket, error) {
	return scanTicket(q.QueryRow(ctx, `SELECT `+ticketColumns+ticketFrom+` WHERE t.id = $1`+forUpdate(lock), id))
}

func ticketByNumber(ctx context.Context, q querier, n int64, lock bool) (*ticket.Ticket, error) {
	return scanTicket(q.QueryRow(ctx, `SELECT `+ticketColumns+ticketFrom+` WHERE t.number = $1`+forUpdate(lock), n))
}

func forUpdate(lock bool) string {
	if lock {
		return ` FOR UPDATE OF t`
	}
	return ""
}
