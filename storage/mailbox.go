package storage

import (
	"context"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"inboxdesk/ticket"
	"net/url"
	"time"
)

// grantOf is the OAuth2 grant an IMAP URL names (?oauth=NAME), "" for none.
func grantOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Query().Get("oauth")
}

// AddMailbox stores a new mailbox.
func (s *Store) AddMailbox(ctx context.Context, m ticket.Mailbox) (int64, error) {
	if m.Schedule == "" {
		m.Schedule = "@every 1m"
	}
	sealed, err := s.sealURL(m.URL)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.pool.QueryRow(ctx, `INSERT INTO mailboxes (name, url, schedule, processed_folder, mark_seen, grant_name)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, m.Name, sealed, m.Schedule, m.ProcessedFolder, m.MarkSeen,
		grantOf(m.URL)).Scan(&id)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return 0, ticket.ErrMailboxNameTaken
	}
	if err != nil {
		return 0, fmt.Errorf("add mailbox: %w", err)
	}
	return id, nil
}

// UpdateMailbox changes the mailbox named m.Name to m's URL, schedule and
// after-commit bookkeeping. rescan starts its checkpoint over (another
// server, account or folder: its UIDs say nothing about ours); mail already
// ingested is then recognised by Message-ID and content.
func (s *Store) UpdateMailbox(ctx context.Context, m ticket.Mailbox, rescan bool) error {
	sealed, err := s.sealURL(m.URL)
	if err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `UPDATE mailboxes SET url = $2, schedule = $3, processed_folder = $4, mark_seen = $5,
			uidvalidity = CASE WHEN $6 THEN 0 ELSE uidvalidity END, last_uid = CASE WHEN $6 THEN 0 ELSE last_uid END,
			grant_name = $7
		WHERE name = $1`, m.Name, sealed, m.Schedule, m.ProcessedFolder, m.MarkSeen, rescan, grantOf(m.URL))
	if err != nil {
		return fmt.Errorf("update mailbox: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ticket.ErrNotFound
	}
	return nil
}

// RemoveMailbox deletes a mailbox by name; its tickets and messages stay.
func (s *Store) RemoveMailbox(ctx context.Context, name string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM mailboxes WHERE name = $1`, name)
	if err != nil {
		return fmt.Errorf("remove mailbox: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ticket.ErrNotFound
	}
	return nil
}

// mailboxesWithGrants is the FROM of mailbox reads: each mailbox with the
// reason its OAuth2 grant is broken, if it is.
const mailboxesWithGrants = `SELECT m.id, m.name, m.url, m.schedule, m.processed_folder, m.mark_seen,
	m.uidvalidity, m.last_uid, m.last_poll_at, m.last_error, m.backlog, m.backlog_oldest_at, m.backlog_polls,
	m.backlog_stalled_since, m.grant_name, COALESCE(g.last_error, '')
	FROM mailboxes m LEFT JOIN oauth_grants g ON g.name = m.grant_name AND g.broken`

// Mailboxes lists every mailbox by name.
func (s *Store) Mailboxes(ctx context.Context) ([]ticket.Mailbox, error) {
	rows, err := s.pool.Query(ctx, mailboxesWithGrants+` ORDER BY m.name`)
	if err != nil {
		return nil, fmt.Errorf("mailboxes: %w", err)
	}
	boxes, err := pgx.CollectRows(rows, scanMailbox)
	if err != nil {
		return nil, fmt.Errorf("mailboxes: %w", err)
	}
	for i := range boxes {
		if err := s.openURL(&boxes[i]); err != nil {
			return nil, err
		}
	}
	return boxes, nil
}

// MailboxByName returns one mailbox, with its current checkpoint.
func (s *Store) MailboxByName(ctx context.Context, name string) (*ticket.Mailbox, error) {
	rows, err := s.pool.Query(ctx, mailboxesWithGrants+` WHERE m.name = $1`, name)
	if err != nil {
		return nil, fmt.Errorf("mailbox: %w", err)
	}
	m, err := pgx.CollectExactlyOneRow(rows, scanMailbox)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ticket.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("mailbox: %w", err)
	}
	return &m, s.openURL(&m)
}

func scanMailbox(r pgx.CollectableRow) (ticket.Mailbox, error) {
	var m ticket.Mailbox
	var uv, last int64
	var polled, oldest, stalled *time.Time
	err := r.Scan(&m.ID, &m.Name, &m.URL, &m.Schedule, &m.ProcessedFolder, &m.MarkSeen, &uv, &last, &polled,
		&m.LastError, &m.Backlog.UIDs, &oldest, &m.Backlog.Polls, &stalled, &m.Grant, &m.GrantBroken)
	m.Checkpoint = ticket.Checkpoint{MailboxID: m.ID, UIDValidity: uint32(uv), LastUID: uint32(last)}
	m.LastPollAt = nullTime(polled)
	m.Backlog.OldestAt, m.Backlog.StalledSince = nullTime(oldest), nullTime(stalled)
	return m, err
}

// RecordPollError notes a failed poll on the mailbox, for operators to see.
func (s *Store) RecordPollError(ctx context.Context, mailboxID int64, msg string) error {
	_, err := s.pool.Exec(ctx, `UPDATE mailboxes SET last_error = $2, last_poll_at = now() WHERE id = $1`,
		mailboxID, msg)
	return err
}

// RecordBacklog notes what a poll left on the server (uids above the
// checkpoint, the arrival of the oldest of them) and returns the mailbox's
// backlog after it: a backlog that is no smaller than the last one counts
// one more poll, and stalledAfter such polls mark it stalled; one that
// shrinks, or is gone, starts the count again.
func (s *Store) RecordBacklog(ctx context.Context, mailboxID int64, uids int64, oldest time.Time,
	stalledAfter int) (ticket.Backlog, error) {
	var b ticket.Backlog
	var oldestAt, stalled *time.Time
	if !oldest.IsZero() && uids > 0 {
		oldestAt = &oldest
	}
	err := s.pool.QueryRow(ctx, `
		UPDATE mailboxes SET backlog = $2::bigint, backlog_oldest_at = $3,
			backlog_polls = CASE WHEN $2::bigint > 0 AND $2::bigint >= backlog THEN backlog_polls + 1 ELSE 0 END,
			backlog_stalled_since = CASE WHEN $2::bigint > 0 AND $2::bigint >= backlog AND backlog_polls + 1 >= $4::int
				THEN coalesce(backlog_stalled_since, now()) END
		WHERE id = $1
		RETURNING backlog, backlog_oldest_at, backlog_polls, backlog_stalled_since`,
		mailboxID, uids, oldestAt, stalledAfter).Scan(&b.UIDs, &oldestAt, &b.Polls, &stalled)
	if err != nil {
		return b, fmt.Errorf("record backlog: %w", err)
	}
	b.OldestAt, b.StalledSince = nullTime(oldestAt), nullTime(stalled)
	return b, nil
}

// RecordPollOK notes a poll that found nothing new. It does not wait for
// the disk: losing a poll time to a database crash is harmless.
func (s *Store) RecordPollOK(ctx context.Context, mailboxID int64) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		if err := relaxedCommit(ctx, tx); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE mailboxes SET last_error = '', last_poll_at = now() WHERE id = $1`, mailboxID)
		return err
	})
}
