package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
)

// dummyHash is checked when no usable account exists, so that a wrong
// address costs as much time as a wrong password. It is made on first use,
// not at start-up.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("no such agent, no such password")
	return h
})

// AgentLogin checks an agent's address and password. Wrong address, wrong
// password, no password set and a disabled account all give ErrBadLogin and
// count as a failure; after LoginFailuresPerAddress failures for an address,
// or LoginFailuresPerIP for a client, within LoginWindow, every try gives
// ErrTooManyLogins until the window passes. Success clears the address's
// failures.
func (s *Store) AgentLogin(ctx context.Context, email, password, ip string) (*Agent, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if err := s.checkLoginLimits(ctx, email, ip); err != nil {
		return nil, err
	}
	var id int64
	var hash string
	var disabled bool
	err := s.pool.QueryRow(ctx, `SELECT id, password_hash, disabled FROM agents WHERE email = $1`, email).
		Scan(&id, &hash, &disabled)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("agent login: %w", err)
	}
	if hash == "" {
		hash = dummyHash()
	}
	if ok := CheckPassword(hash, password); !ok || id == 0 || disabled {
		return nil, s.recordLoginFailure(ctx, email, ip)
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM login_failures WHERE email = $1`, email); err != nil {
		return nil, fmt.Errorf("agent login: %w", err)
	}
	return s.AgentByID(ctx, id)
}

func (s *Store) checkLoginLimits(ctx context.Context, email, ip string) error {
	since := s.now().Add(-s.cfg.LoginWindow)
	var byEmail, byIP int
	err := s.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM login_failures WHERE email = $1 AND created_at > $3),
		(SELECT count(*) FROM login_failures WHERE ip = $2 AND created_at > $3)`, email, ip, since).
		Scan(&byEmail, &byIP)
	if err != nil {
		return fmt.Errorf("agent login: %w", err)
	}
	if byEmail >= s.cfg.LoginFailuresPerAddress || byIP >= s.cfg.LoginFailuresPerIP {
		return ErrTooManyLogins
	}
	return nil
}

func (s *Store) recordLoginFailure(ctx context.Context, email, ip string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO login_failures (email, ip, created_at) VALUES ($1, $2, $3)`,
		email, ip, s.now())
	if err != nil {
		return fmt.Errorf("agent login: %w", err)
	}
	return ErrBadLogin
}
