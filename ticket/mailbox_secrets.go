package ticket

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
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

func (s *Store) openURL(m *Mailbox) error {
	u, err := s.cfg.Secrets.Open(purposeMailboxURL, m.URL)
	if err != nil {
		return fmt.Errorf("mailbox %s: %w", m.Name, err)
	}
	m.URL = u
	return nil
}

// ResealMailboxURLs seals every mailbox URL kept in clear (from before keys
// were set) or under an older key with the first of Config.Secrets, in one
// transaction, and returns how many it changed. Without keys it changes
// nothing, and fails with secrets.ErrNoKey if any URL is sealed.
func (s *Store) ResealMailboxURLs(ctx context.Context) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, url FROM mailboxes ORDER BY id FOR UPDATE`)
		if err != nil {
			return err
		}
		stale := map[int64]string{}
		var id int64
		var u string
		_, err = pgx.ForEachRow(rows, []any{&id, &u}, func() error {
			if !s.cfg.Secrets.Current(u) {
				stale[id] = u
			}
			return nil
		})
		if err != nil {
			return err
		}
		for id, u := range stale {
			if u, err = s.cfg.Secrets.Reseal(purposeMailboxURL, u); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE mailboxes SET url = $2 WHERE id = $1`, id, u); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("seal mailbox urls: %w", err)
	}
	return n, nil
}
