package storage

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/auth"
)

// SignIn keeps what signing in needs (auth.Keeper): one-time codes and
// their sends, sessions, agents, failed sign-ins and devices, API tokens
// and invitations. It runs the statements auth asks for, on the pool or
// within one transaction (InTx); the rules are auth's.
type SignIn struct{ db signInDB }

var _ auth.Keeper = (*SignIn)(nil)

// signInDB is what both a pool and a transaction offer.
type signInDB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Begin(ctx context.Context) (pgx.Tx, error)
}

// NewSignIn returns the sign-in store over pool.
func NewSignIn(pool *pgxpool.Pool) *SignIn { return &SignIn{db: pool} }

// InTx runs fn in one transaction (a savepoint when already in one).
func (s *SignIn) InTx(ctx context.Context, fn func(auth.Keeper) error) error {
	return pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error { return fn(&SignIn{db: tx}) })
}

// Sweep deletes the rows past c's cutoffs, table by table.
func (s *SignIn) Sweep(ctx context.Context, c auth.SweepCutoffs) (int64, error) {
	stmts := []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, []any{c.SessionsExpired, c.SessionsIdle}},
		{`DELETE FROM verification_codes WHERE expires_at <= $1`, []any{c.Codes}},
		{`DELETE FROM code_sends WHERE created_at <= $1`, []any{c.CodeSends}},
		{`DELETE FROM code_failures WHERE created_at <= $1`, []any{c.CodeFailures}},
		{`DELETE FROM login_failures WHERE created_at <= $1`, []any{c.LoginFailures}},
		{`DELETE FROM agent_devices WHERE last_used_at <= $1`, []any{c.Devices}},
	}
	var total int64
	for _, st := range stmts {
		tag, err := s.db.Exec(ctx, st.sql, st.args...)
		if err != nil {
			return total, fmt.Errorf("sweep: %w", err)
		}
		total += tag.RowsAffected()
	}
	return total, nil
}

// notFound is auth.ErrNotFound for a query that found no row, else err.
func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return auth.ErrNotFound
	}
	return err
}

// uniqueViolation reports whether err is a unique key refusing a row.
func uniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}
