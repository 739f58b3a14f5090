// Package storage keeps the ticket domain in PostgreSQL: it is the only
// package that speaks SQL (beside the migrations it applies), one file per
// group of tables, and the only place ticket state changes.
package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"inboxdesk/migrations"
	"inboxdesk/secrets"
	"time"
)

// Config tunes the store's rules.
type Config struct {
	// ReopenWindow: a customer's mail on a resolved ticket younger than this
	// reopens it; older (or closed) tickets get a new ticket linking the old one.
	ReopenWindow time.Duration
	// CoalesceWindow: alerts wait this long so that several updates make one alert.
	CoalesceWindow time.Duration
	// AlertsPerHour caps the alerts one recipient gets per hour (0 = no cap).
	AlertsPerHour int
	// Domain is the right-hand side of the Message-IDs we generate.
	Domain string
	// Secrets seals mailbox URLs (they hold passwords) at rest; nil keeps
	// them in clear.
	Secrets *secrets.Keyring
	// OwnAddresses are the support desk's own addresses (the no-reply
	// sender, the support addresses customers write to): copied on a
	// customer's mail they never become participants (the loop guard).
	// Mailboxes whose sign-in name is an address count without being listed.
	OwnAddresses []string
}

// DefaultConfig returns the settings used when none are given.
func DefaultConfig() Config {
	return Config{
		ReopenWindow:   30 * 24 * time.Hour,
		CoalesceWindow: 30 * time.Second,
		AlertsPerHour:  20,
		Domain:         "inboxdesk.local",
	}
}

// Store is the PostgreSQL store of tickets.
type Store struct {
	pool *pgxpool.Pool
	cfg  Config
}

// New returns a store over pool.
func New(pool *pgxpool.Pool, cfg Config) *Store {
	return &Store{pool: pool, cfg: cfg}
}

// Pool returns the store's connection pool (for health checks and locks).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Migrate applies every pending migration in one transaction each.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// MigrationsCurrent reports whether every embedded migration is applied.
func MigrationsCurrent(ctx context.Context, pool *pgxpool.Pool) (bool, error) {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	return !pending, err
}

func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// newMessageID returns a fresh Message-ID (without angle brackets) in our domain.
func (s *Store) newMessageID(kind string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return kind + "." + hex.EncodeToString(b[:]) + "@" + s.cfg.Domain
}

func nullTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
