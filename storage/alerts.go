package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"inboxdesk/ticket"
)

// enqueueAlert queues the alerts to t's requester and participants inside
// the caller's transaction (the outbox): they commit or vanish with the
// ticket change. An alert still waiting out its coalescing window takes the
// newer reason instead of a second alert being queued. Each recipient and
// channel is its own alert row.
func (s *Store) enqueueAlert(ctx context.Context, tx pgx.Tx, ticketID int64, reason ticket.AlertReason) error {
	return s.enqueueAlertTo(ctx, tx, ticketID, reason, nil)
}

// enqueueAlertTo queues the alerts to those of t's readers whose customer
// id is in only (nil: all of them).
func (s *Store) enqueueAlertTo(ctx context.Context, tx pgx.Tx, ticketID int64, reason ticket.AlertReason, only []int64) error {
	rows, err := tx.Query(ctx, `SELECT c.email, c.language, c.alert_channels,
			EXISTS (SELECT 1 FROM push_subscriptions p WHERE p.customer_id = c.id)
		FROM customers c
		WHERE (c.id = (SELECT requester_id FROM tickets WHERE id = $1)
			OR c.id IN (SELECT customer_id FROM participants WHERE ticket_id = $1 AND removed_at IS NULL))
			AND ($2::bigint[] IS NULL OR c.id = ANY($2))
		ORDER BY c.id`, ticketID, only)
	if err != nil {
		return fmt.Errorf("alert recipients: %w", err)
	}
	type recipient struct {
		email, lang string
		channels    ticket.AlertChannels
		hasPush     bool
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (recipient, error) {
		var x recipient
		err := r.Scan(&x.email, &x.lang, &x.channels, &x.hasPush)
		return x, err
	})
	if err != nil {
		return fmt.Errorf("alert recipients: %w", err)
	}
	for _, x := range list {
		for _, ch := range alertChannels(reason, x.channels, x.hasPush) {
			if err := s.enqueueOn(ctx, tx, ticketID, x.email, x.lang, ch, reason); err != nil {
				return err
			}
		}
	}
	return nil
}

// alertChannels picks the channels of an alert (or an agent's notice). Email
// is the only channel of one without a push subscription (every guest); one
// with a device chose email, push or both. The acknowledgement of a ticket the customer
// just opened is never pushed: it is no news to them; nor is a fresh link
// asked for on a page, which answers by email.
func alertChannels(reason ticket.AlertReason, choice ticket.AlertChannels, hasPush bool) []string {
	if !hasPush || reason == ticket.ReasonReceived || reason == ticket.ReasonLinkRequested {
		return []string{"email"}
	}
	switch choice {
	case ticket.ChannelsEmail:
		return []string{"email"}
	case ticket.ChannelsPush:
		return []string{"push"}
	}
	return []string{"email", "push"}
}

func (s *Store) enqueueOn(ctx context.Context, tx pgx.Tx, ticketID int64, email, lang, channel string,
	reason ticket.AlertReason) error {
	tag, err := tx.Exec(ctx, `
		UPDATE alerts SET reason = $3, updated_at = now()
		WHERE ticket_id = $1 AND recipient = $2 AND channel = $4 AND state = 'queued' AND tries = 0
			AND agent_id IS NULL`,
		ticketID, email, string(reason), channel)
	if err != nil {
		return fmt.Errorf("coalesce alert: %w", err)
	}
	if tag.RowsAffected() > 0 {
		return nil
	}
	return insertAlert(ctx, tx, ticketID, email, lang, s.customerAlert(reason, channel))
}

// ClaimAlerts leases up to limit due alerts for delivery. Rows another sender
// holds are skipped (FOR UPDATE SKIP LOCKED); a lease that ran out (a sender
// died mid-delivery) makes its alert due again, with the same Message-ID. An
// alert whose recipient reached the hourly cap on its channel is put back
// until the cap allows instead (an email and its push twin each count on
// their own channel); later updates coalesce into the waiting alert, so a
// storm makes few mails. Claim and cap are one statement, sent with its
// transaction in one round trip (relaxedRoundTrip).
func (s *Store) ClaimAlerts(ctx context.Context, limit int, lease time.Duration) ([]ticket.AlertJob, error) {
	var jobs []ticket.AlertJob
	err := s.relaxedRoundTrip(ctx, func(br pgx.BatchResults) error {
		rows, err := br.Query()
		if err != nil {
			return err
		}
		jobs, err = pgx.CollectRows(rows, scanAlertJob)
		return err
	}, claimDueSQL, limit, lease, s.cfg.AlertsPerHour)
	if err != nil {
		return nil, fmt.Errorf("claim alerts: %w", err)
	}
	return jobs, nil
}

// claimDueSQL leases the due alerts ($1 at most, for $2). Those past the
// hourly cap $3 (none when 0) are put back instead: a recipient with n
// alerts sent on a channel in the last hour gets the first $3 - n of its due
// ones there, the rest wait until the oldest of those n leaves the hour.
// An alert being delivered was due when claimed (send_after <= now() holds
// for it too), so the condition matches alerts_due_idx, which gives the
// order: a claim reads its batch rather than sorting every due alert.
// Alerts still being delivered under a live lease count as sent now: the
// sender claims its next batch before the current one is recorded, and
// another replica's batch is in flight alike.
const claimDueSQL = `
	WITH due AS (
		SELECT id, recipient, channel, send_after FROM alerts
		WHERE state IN ('queued', 'sending') AND send_after <= now() AND (state = 'queued' OR lease_until < now())
		ORDER BY send_after LIMIT $1 FOR UPDATE SKIP LOCKED),
	inflight AS (
		SELECT recipient, channel, count(*) AS n FROM alerts
		WHERE $3 > 0 AND state = 'sending' AND lease_until >= now() AND recipient IN (SELECT recipient FROM due)
		GROUP BY recipient, channel),
	capped AS (
		SELECT due.id, h.oldest, $3 > 0 AND h.n + coalesce(f.n, 0) + row_number() OVER (PARTITION BY due.recipient,
			due.channel ORDER BY due.send_after, due.id) > $3 AS over
		FROM due LEFT JOIN inflight f ON f.recipient = due.recipient AND f.channel = due.channel,
			LATERAL (SELECT count(*) AS n, min(sent_at) AS oldest FROM alerts
				WHERE $3 > 0 AND recipient = due.recipient AND channel = due.channel
					AND sent_at > now() - interval '1 hour') h),
	held AS (
		UPDATE alerts a SET state = 'queued', lease_until = NULL, send_after = coalesce(c.oldest, now()) + interval '1 hour',
			last_error = 'hourly alert cap reached', updated_at = now()
		FROM capped c WHERE a.id = c.id AND c.over)
	UPDATE alerts a SET state = 'sending', lease_until = now() + $2::interval, tries = a.tries + 1,
		updated_at = now()
	FROM capped, tickets t JOIN customers c ON c.id = t.requester_id
	WHERE a.id = capped.id AND NOT capped.over AND t.id = a.ticket_id
	RETURNING a.id, t.number, t.subject, a.recipient, CASE WHEN c.email = a.recipient THEN c.name ELSE '' END,
		a.channel, a.reason, a.language, a.message_id, a.tries, a.created_at,
		coalesce((SELECT m.message_id FROM messages m WHERE m.ticket_id = t.id ORDER BY m.id LIMIT 1), ''),
		coalesce(a.agent_id, 0), c.email, c.name`

func scanAlertJob(r pgx.CollectableRow) (ticket.AlertJob, error) {
	var j ticket.AlertJob
	var reason string
	err := r.Scan(&j.ID, &j.TicketNumber, &j.Subject, &j.Recipient.Email, &j.Recipient.Name, &j.Channel, &reason,
		&j.Language, &j.MessageID, &j.Tries, &j.CreatedAt, &j.References, &j.AgentID, &j.Requester.Email, &j.Requester.Name)
	j.Reason = ticket.AlertReason(reason)
	return j, err
}

// relaxedCommit lets the transaction commit without waiting for the WAL
// flush. Used only where losing the change to a database crash is harmless:
// a lost lease is claimed again; a lost "sent" mark re-sends that alert under
// its own fixed Message-ID, which receivers drop as a duplicate. It saves a
// disk flush per group of alerts.
func relaxedCommit(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, relaxedCommitSQL)
	return err
}

const relaxedCommitSQL = `SET LOCAL synchronous_commit = off`

// relaxedRoundTrip runs one statement in a transaction that commits without
// waiting for the WAL flush (relaxedCommit), sent as one pipelined batch
// (BEGIN, SET LOCAL, the statement, COMMIT): one round trip instead of four,
// for the sender's claims and sent-marks. read takes the statement's result.
func (s *Store) relaxedRoundTrip(ctx context.Context, read func(pgx.BatchResults) error, sql string, args ...any) error {
	b := &pgx.Batch{}
	b.Queue(`BEGIN`)
	b.Queue(relaxedCommitSQL)
	b.Queue(sql, args...)
	b.Queue(`COMMIT`)
	br := s.pool.SendBatch(ctx, b)
	_, err := br.Exec()
	if err == nil {
		_, err = br.Exec()
	}
	if err == nil {
		err = read(br)
	}
	if err == nil {
		_, err = br.Exec()
	}
	// A failed batch leaves its transaction aborted; the pool drops such a
	// connection rather than hand it out again.
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

// MarkAlertsSent records delivered alerts in one statement and one round
// trip (the sender records a batch of deliveries at once). The alert row is
// the record of delivery; no event is added per alert.
func (s *Store) MarkAlertsSent(ctx context.Context, ids []int64) error {
	err := s.relaxedRoundTrip(ctx, func(br pgx.BatchResults) error {
		_, err := br.Exec()
		return err
	}, `UPDATE alerts SET state = 'sent', sent_at = now(), last_error = '', lease_until = NULL, updated_at = now()
		WHERE id = ANY($1) AND state = 'sending'`, ids)
	if err != nil {
		return fmt.Errorf("mark alerts sent: %w", err)
	}
	return nil
}

// RetryAlert schedules another delivery attempt at at, keeping reason.
func (s *Store) RetryAlert(ctx context.Context, id int64, at time.Time, reason string) error {
	_, err := s.pool.Exec(ctx, `UPDATE alerts SET state = 'queued', lease_until = NULL, send_after = $2,
		last_error = $3, updated_at = now() WHERE id = $1 AND state = 'sending'`, id, at, reason)
	if err != nil {
		return fmt.Errorf("retry alert: %w", err)
	}
	return nil
}

// ReleaseAlerts puts claimed alerts that were never attempted back in the
// queue, due at once, and takes back the try their claim counted. An alert
// claimed again since (its try count moved on) is left to that claim.
func (s *Store) ReleaseAlerts(ctx context.Context, jobs []ticket.AlertJob) error {
	ids, tries := make([]int64, len(jobs)), make([]int32, len(jobs))
	for i, j := range jobs {
		ids[i], tries[i] = j.ID, int32(j.Tries)
	}
	_, err := s.pool.Exec(ctx, `UPDATE alerts a SET state = 'queued', lease_until = NULL,
		tries = greatest(a.tries - 1, 0), updated_at = now()
		FROM unnest($1::bigint[], $2::int[]) AS j(id, tries)
		WHERE a.id = j.id AND a.tries = j.tries AND a.state = 'sending'`, ids, tries)
	if err != nil {
		return fmt.Errorf("release alerts: %w", err)
	}
	return nil
}

// FailAlert records that an alert cannot be delivered, with the server's answer.
func (s *Store) FailAlert(ctx context.Context, id int64, reason string) error {
	return s.finishAlert(ctx, id, `state = 'failed', last_error = $2`, "alert_failed", reason)
}

func (s *Store) finishAlert(ctx context.Context, id int64, set, event, reason string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		var ticketID int64
		err := tx.QueryRow(ctx, `UPDATE alerts SET `+set+`, lease_until = NULL, updated_at = now()
			WHERE id = $1 AND state = 'sending' RETURNING ticket_id`, id, reason).Scan(&ticketID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // already finished by another sender, or bounced meanwhile
		}
		if err != nil {
			return fmt.Errorf("%s: %w", event, err)
		}
		detail := map[string]any{"alert": id}
		if reason != "" {
			detail["reason"] = reason
		}
		return addEvent(ctx, tx, ticketID, event, ticket.SystemActor, detail)
	})
}

// AlertsByTicket lists a ticket's alerts, oldest first.
func (s *Store) AlertsByTicket(ctx context.Context, ticketID int64) ([]ticket.Alert, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, recipient, channel, reason, message_id, state, tries, last_error,
		created_at, sent_at FROM alerts WHERE ticket_id = $1 ORDER BY id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ticket.Alert, error) {
		var a ticket.Alert
		var reason, state string
		var sent *time.Time
		err := r.Scan(&a.ID, &a.Recipient, &a.Channel, &reason, &a.MessageID, &state, &a.Tries, &a.LastError,
			&a.CreatedAt, &sent)
		a.Reason, a.State, a.SentAt = ticket.AlertReason(reason), ticket.AlertState(state), nullTime(sent)
		return a, err
	})
}

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

// AlertChannelsOf returns the customer's channel choice.
func (s *Store) AlertChannelsOf(ctx context.Context, customerID int64) (ticket.AlertChannels, error) {
	var c string
	err := s.pool.QueryRow(ctx, `SELECT alert_channels FROM customers WHERE id = $1`, customerID).Scan(&c)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ticket.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("alert channels: %w", err)
	}
	return ticket.AlertChannels(c), nil
}

// SetAlertChannels records the customer's channel choice.
func (s *Store) SetAlertChannels(ctx context.Context, customerID int64, c ticket.AlertChannels) error {
	return s.setChannels(ctx, "set alert channels", `UPDATE customers SET alert_channels = $2 WHERE id = $1`, customerID, c)
}

// setChannels checks the choice c and writes it with update, whose $1 is
// the row's id and $2 the choice; what names the change in errors.
func (s *Store) setChannels(ctx context.Context, what, update string, id int64, c ticket.AlertChannels) error {
	if !c.Valid() {
		return fmt.Errorf("%s: unknown choice %q", what, c)
	}
	tag, err := s.pool.Exec(ctx, update, id, string(c))
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if tag.RowsAffected() == 0 {
		return ticket.ErrNotFound
	}
	return nil
}
