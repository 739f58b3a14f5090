package storage

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
)

// What the demo needs of the database beside the product's own tables: a
// database of its own, and a way to start a mailbox's scan over when its
// (embedded) server starts afresh.

// EnsureDatabase creates the database name on the server of serverURL
// unless it exists (with recreate, drops it first, ending its connections)
// and returns serverURL pointing at it. name must be a plain identifier;
// it is quoted all the same.
func EnsureDatabase(ctx context.Context, serverURL, name string, recreate bool) (string, error) {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", fmt.Errorf("DATABASE_URL: cannot reach PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	ident := pgx.Identifier{name}.Sanitize()
	if recreate {
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			return "", fmt.Errorf("drop database %s: %w", name, err)
		}
	}
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", fmt.Errorf("find database %s: %w", name, err)
	}
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
			return "", fmt.Errorf("create database %s: %w", name, err)
		}
	}
	return withDatabase(serverURL, conn.Config(), name), nil
}

// withDatabase is serverURL pointing at database name instead. A URL in
// keyword/value form is rebuilt from the connection's settings.
func withDatabase(serverURL string, cfg *pgx.ConnConfig, name string) string {
	if u, err := url.Parse(serverURL); err == nil && strings.HasPrefix(u.Scheme, "postgres") {
		u.Path = "/" + name
		return u.String()
	}
	u := url.URL{Scheme: "postgres", Host: net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port)), Path: "/" + name,
		RawQuery: "sslmode=disable", User: url.User(cfg.User)}
	if cfg.Password != "" {
		u.User = url.UserPassword(cfg.User, cfg.Password)
	}
	return u.String()
}

// RestartMailboxScan points the mailbox at rawURL and forgets every UID
// recorded for it (its checkpoint, and the UIDs of its messages and
// quarantined mails), in one transaction: a server that starts empty counts
// UIDVALIDITY from 1 again, so old UIDs would be taken for new mail's.
// Mail seen before is still recognised by Message-ID and content.
func (s *Store) RestartMailboxScan(ctx context.Context, mailboxID int64, rawURL string) error {
	sealed, err := s.sealURL(rawURL)
	if err != nil {
		return err
	}
	err = s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE mailboxes SET url = $2, uidvalidity = 0, last_uid = 0 WHERE id = $1`,
			mailboxID, sealed); err != nil {
			return err
		}
		for _, table := range []string{"messages", "quarantine"} {
			if _, err := tx.Exec(ctx, `UPDATE `+table+` SET uidvalidity = NULL, uid = NULL
				WHERE mailbox_id = $1 AND uid IS NOT NULL`, mailboxID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("restart mailbox scan: %w", err)
	}
	return nil
}

// HasTickets reports whether any ticket exists.
func (s *Store) HasTickets(ctx context.Context) (bool, error) {
	var ok bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tickets)`).Scan(&ok); err != nil {
		return false, fmt.Errorf("any tickets: %w", err)
	}
	return ok, nil
}
