package storage

import (
	"context"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/ticket"
)

// purposeMailboxURL binds sealed mailbox URLs to their column.
const purposeMailboxURL = "mailbox url"

func (s *Store) sealURL(u string) (string, error) {
	sealed, err := s.cfg.Secrets.Seal(purposeMailboxURL, u)
	if err != nil {
		return "", fmt.Errorf("seal mailbox url: %w", err)
	}
	return sealed, nil
}

func (s *Store) openURL(m *ticket.Mailbox) error {
	u, err := s.cfg.Secrets.Open(purposeMailboxURL, m.URL)
	if err != nil {
		return fmt.Errorf("mailbox %s: %w", m.Name, err)
	}
	m.URL = u
	return nil
}

// purposeWebhookSecret binds sealed webhook signing secrets to their column.
const purposeWebhookSecret = "webhook secret"

// ResealMailboxURLs seals every mailbox URL kept in clear (from before keys
// were set) or under an older key with the first of Config.Secrets, in one
// transaction, and returns how many it changed. Without keys it changes
// nothing, and fails with secrets.ErrNoKey if any URL is sealed.
func (s *Store) ResealMailboxURLs(ctx context.Context) (int, error) {
	n, err := s.resealColumn(ctx, "mailboxes", "url", purposeMailboxURL)
	if err != nil {
		return 0, fmt.Errorf("seal mailbox urls: %w", err)
	}
	return n, nil
}

// ResealWebhookSecrets is ResealMailboxURLs for the webhooks' signing secrets.
func (s *Store) ResealWebhookSecrets(ctx context.Context) (int, error) {
	n, err := s.resealColumn(ctx, "webhooks", "secret", purposeWebhookSecret)
	if err != nil {
		return 0, fmt.Errorf("seal webhook secrets: %w", err)
	}
	return n, nil
}

// resealColumn seals, in one transaction, every value of table.column that
// is in clear or under an older key. table and column are constants of
// this package, never input.
func (s *Store) resealColumn(ctx context.Context, table, column, purpose string) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, `+column+` FROM `+table+` ORDER BY id FOR UPDATE`)
		if err != nil {
			return err
		}
		stale := map[int64]string{}
		var id int64
		var v string
		_, err = pgx.ForEachRow(rows, []any{&id, &v}, func() error {
			if !s.cfg.Secrets.Current(v) {
				stale[id] = v
			}
			return nil
		})
		if err != nil {
			return err
		}
		for id, v := range stale {
			if v, err = s.cfg.Secrets.Reseal(purpose, v); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE `+table+` SET `+column+` = $2 WHERE id = $1`, id, v); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
