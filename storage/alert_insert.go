package storage

import (
	"context"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/ticket"
	"time"
)

// alertRow is one alert as it is queued: to a customer, or a notice to an
// agent. Its ticket and recipient come from the statement around
// insertAlertSQL.
type alertRow struct {
	agentID   int64 // a notice to this agent (0: an alert to a customer)
	channel   string
	reason    ticket.AlertReason
	messageID string
	due       *time.Time    // when it is sent; nil: wait after the database's now
	wait      time.Duration // with due nil
}

// insertAlertSQL is the one INSERT of alerts: one alert on the ticket of
// the CTE tk to each row (email, language) of the CTE rcpt that the
// statement around it defines; its parameters are alertRow.args.
const insertAlertSQL = `
	INSERT INTO alerts (ticket_id, recipient, language, agent_id, channel, reason, message_id, send_after)
	SELECT (SELECT id FROM tk), rcpt.email, rcpt.language, NULLIF($1::bigint, 0), $2::text, $3::text, $4::text,
		coalesce($5::timestamptz, now() + $6::interval)
	FROM rcpt`

func (a alertRow) args() []any {
	return []any{a.agentID, a.channel, string(a.reason), a.messageID, a.due, a.wait}
}

// insertAlertToSQL queues an alert on ticket $1 to address $2 in language $3.
var insertAlertToSQL = numbered(`WITH tk AS (SELECT $1::bigint AS id), rcpt AS (SELECT $2::text AS email, $3::text AS language)`,
	insertAlertSQL)

// insertAlert queues a on ticket ticketID to email, written in lang.
func insertAlert(ctx context.Context, tx pgx.Tx, ticketID int64, email, lang string, a alertRow) error {
	if _, err := tx.Exec(ctx, insertAlertToSQL, append([]any{ticketID, email, lang}, a.args()...)...); err != nil {
		return fmt.Errorf("enqueue alert: %w", err)
	}
	return nil
}

// customerAlert is an alert to a customer for reason on channel, due once
// the coalescing window allows (ticket.AlertWait).
func (s *Store) customerAlert(reason ticket.AlertReason, channel string) alertRow {
	return alertRow{channel: channel, reason: reason, messageID: s.newMessageID("alert"),
		wait: ticket.AlertWait(reason, s.cfg.CoalesceWindow)}
}

// acknowledgement is the alert that tells a new ticket's requester that
// their mail arrived. alertChannels never pushes one, whatever the customer
// chose, so the statement that opens a ticket from a mail queues it
// without reading their choice.
func (s *Store) acknowledgement() alertRow {
	return s.customerAlert(ticket.ReasonReceived, alertChannels(ticket.ReasonReceived, ticket.ChannelsPush, true)[0])
}
