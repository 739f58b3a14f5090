package storage

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"inboxdesk/ticket"
)

// The gauges the metrics read at scrape time: every replica reads the same
// rows, so every replica reports the same truth.

// AlertCounts returns how many alerts are in each delivery state (states
// without alerts are absent).
func (s *Store) AlertCounts(ctx context.Context) (map[ticket.AlertState]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT state, count(*) FROM alerts GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("alert counts: %w", err)
	}
	counts := map[ticket.AlertState]int{}
	var state string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&state, &n}, func() error {
		counts[ticket.AlertState(state)] = n
		return nil
	}); err != nil {
		return nil, fmt.Errorf("alert counts: %w", err)
	}
	return counts, nil
}

// MailboxGauge is what the metrics show of one mailbox's polling.
type MailboxGauge struct {
	Name string
	// Lag is the seconds since any replica last polled the mailbox (since
	// it was added, when never).
	Lag float64
	// Backlog is the server's highest UID minus the committed checkpoint,
	// as the last poll that reached the server left it.
	Backlog float64
	// Oldest is the age in seconds of the oldest mail not ingested yet (0 when none).
	Oldest  float64
	Stalled bool // the backlog has not shrunk for the configured number of polls
}

// MailboxGauges returns the polling gauges of every mailbox.
func (s *Store) MailboxGauges(ctx context.Context) ([]MailboxGauge, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, extract(epoch FROM now() - coalesce(last_poll_at, created_at))::float8,
		backlog::float8, greatest(coalesce(extract(epoch FROM now() - backlog_oldest_at), 0), 0)::float8,
		backlog_stalled_since IS NOT NULL
		FROM mailboxes ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("mailbox gauges: %w", err)
	}
	gs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (MailboxGauge, error) {
		var g MailboxGauge
		err := r.Scan(&g.Name, &g.Lag, &g.Backlog, &g.Oldest, &g.Stalled)
		return g, err
	})
	if err != nil {
		return nil, fmt.Errorf("mailbox gauges: %w", err)
	}
	return gs, nil
}

// QuarantineHeld returns how many mails wait in quarantine.
func (s *Store) QuarantineHeld(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM quarantine WHERE state = 'held'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("quarantine count: %w", err)
	}
	return n, nil
}

// OAuthGrantsBroken returns, by grant name, whether the provider refuses
// the grant (its mailboxes cannot sign in).
func (s *Store) OAuthGrantsBroken(ctx context.Context) (map[string]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, broken FROM oauth_grants`)
	if err != nil {
		return nil, fmt.Errorf("oauth grant states: %w", err)
	}
	broken := map[string]bool{}
	var name string
	var b bool
	if _, err := pgx.ForEachRow(rows, []any{&name, &b}, func() error {
		broken[name] = b
		return nil
	}); err != nil {
		return nil, fmt.Errorf("oauth grant states: %w", err)
	}
	return broken, nil
}
