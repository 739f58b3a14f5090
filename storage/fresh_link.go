package storage

import (
	"context"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/ticket"
	"strings"
)

// freshLinkChannel is the channel of a fresh link: the customer asked for
// it on a page that answers by email.
const freshLinkChannel = "email"

// RequestFreshLink queues an alert with a fresh link to ticket number for
// email, the address an expired link was for, when it is the ticket's
// requester's or a participant's (else ErrNotFound, telling nothing). An email alert already
// waiting brings a fresh link anyway, and one fresh link within
// FreshLinkEvery is enough: then nothing is queued.
func (s *Store) RequestFreshLink(ctx context.Context, number int64, email string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		var ticketID int64
		var lang string
		err := tx.QueryRow(ctx, `SELECT t.id, c.language FROM tickets t JOIN customers c ON `+readerCond("t.id", "c.id")+`
			WHERE t.number = $1 AND c.email = $2 FOR UPDATE OF t`,
			number, strings.ToLower(strings.TrimSpace(email))).Scan(&ticketID, &lang)
		if errors.Is(err, pgx.ErrNoRows) {
			return ticket.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("fresh link: %w", err)
		}
		var pending bool
		err = tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM alerts WHERE ticket_id = $1 AND channel = $4
			AND recipient = $3
			AND (state = ANY($5) OR (reason = $6 AND created_at > now() - $2::interval)))`,
			ticketID, ticket.FreshLinkEvery, strings.ToLower(strings.TrimSpace(email)), freshLinkChannel,
			[]string{string(ticket.AlertQueued), string(ticket.AlertSending)}, string(ticket.ReasonLinkRequested)).Scan(&pending)
		if err != nil || pending {
			return err
		}
		// Sent at once: the customer is waiting for it on the page.
		err = insertAlert(ctx, tx, ticketID, strings.ToLower(strings.TrimSpace(email)), lang,
			alertRow{channel: freshLinkChannel, reason: ticket.ReasonLinkRequested, messageID: s.newMessageID("alert")})
		if err != nil {
			return fmt.Errorf("fresh link: %w", err)
		}
		return addEvent(ctx, tx, ticketID, "fresh_link_requested", ticket.SystemActor, nil)
	})
}
