package storage

import (
	"context"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/ticket"
	"strings"
	"time"
)

// QuarantineList returns held mail, newest first.
func (s *Store) QuarantineList(ctx context.Context, limit int) ([]ticket.Quarantined, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, coalesce(mailbox_id, 0), coalesce(uid, 0), reason, length(raw), state,
		created_at, headers_only, substring(raw FROM 1 FOR $2) FROM quarantine WHERE state = 'held'
		ORDER BY id DESC LIMIT $1`, limit, ticket.HeadBytes)
	if err != nil {
		return nil, fmt.Errorf("quarantine: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ticket.Quarantined])
}

// QuarantineRaw returns a held mail's raw bytes.
func (s *Store) QuarantineRaw(ctx context.Context, id int64) ([]byte, error) {
	var raw []byte
	err := s.pool.QueryRow(ctx, `SELECT raw FROM quarantine WHERE id = $1`, id).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ticket.ErrNotFound
	}
	return raw, err
}

// DiscardQuarantined marks a held mail as discarded (kept for the record).
func (s *Store) DiscardQuarantined(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE quarantine SET state = 'discarded' WHERE id = $1 AND state = 'held'`, id)
	if err != nil {
		return fmt.Errorf("discard: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ticket.ErrNotFound
	}
	return nil
}

// RetryQuarantined ingests a held mail again, now parsed (after a parser fix,
// or as an agent's decision for auto-submitted mail: then force treats it as
// a person's mail). Mail held for failing sender authentication is released:
// it opens a new ticket, never threading into an existing one. The
// quarantine row is marked retried in the same transaction.
func (s *Store) RetryQuarantined(ctx context.Context, id int64, in *ticket.Inbound, force bool) (ticket.Result, error) {
	var res ticket.Result
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var mailbox *int64
		var raw []byte
		var headersOnly bool
		var reason string
		err := tx.QueryRow(ctx, `UPDATE quarantine SET state = 'retried' WHERE id = $1 AND state = 'held'
			RETURNING mailbox_id, raw, headers_only, reason`, id).Scan(&mailbox, &raw, &headersOnly, &reason)
		if errors.Is(err, pgx.ErrNoRows) {
			return ticket.ErrNotFound
		}
		if err != nil {
			return err
		}
		if headersOnly {
			return ticket.ErrHeadersOnly
		}
		if force {
			in.AutoSubmitted = ""
			in.Bounce = nil
		}
		cp := ticket.Checkpoint{}
		if mailbox != nil {
			cp.MailboxID = *mailbox
		}
		res, err = s.ingestOne(ctx, tx, cp, ticket.Mail{Raw: raw, Parsed: in,
			Released: strings.HasPrefix(reason, ticket.SenderAuthReason)})
		// Held again, or found held already (its own row): it stays held.
		if err == nil && (res.Outcome == ticket.OutcomeQuarantined || res.Outcome == ticket.OutcomeDuplicate) {
			return fmt.Errorf("still not ingestible: %s", res.Reason)
		}
		return err
	})
	return res, err
}

// AutoClose closes tickets resolved longer than after ago on which the customer
// has not written since. It returns how many were closed.
func (s *Store) AutoClose(ctx context.Context, after time.Duration) (int, error) {
	var n int
	err := s.tx(ctx, func(tx pgx.Tx) error {
		// Only a resolved ticket may be auto-closed; closing keeps resolved_at
		// (ticket.Ticket.Apply), so the rows change in one statement.
		to, err := ticket.Transition(ticket.StatusResolved, ticket.ActAutoClose)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `UPDATE tickets SET status = $2, version = version + 1, updated_at = now()
			WHERE status = $3 AND resolved_at < now() - $1::interval RETURNING id`, after, string(to), string(ticket.StatusResolved))
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := addEvent(ctx, tx, id, "closed", ticket.SystemActor, map[string]any{"by": "auto-close"}); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("auto-close: %w", err)
	}
	return n, nil
}
