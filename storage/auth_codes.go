package storage

import (
	"context"
	"fmt"
	"time"

	"inboxdesk/auth"
)

// LockCodeSends takes the per-address and per-client transaction locks.
func (s *SignIn) LockCodeSends(ctx context.Context, email, ip string) error {
	_, err := s.db.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('code-email:' || $1, 0)),
		pg_advisory_xact_lock(hashtextextended('code-ip:' || $2, 0))`, email, ip)
	if err != nil {
		return fmt.Errorf("lock code sends: %w", err)
	}
	return nil
}

// CodeSends counts the recent sends to email and from ip.
func (s *SignIn) CodeSends(ctx context.Context, email, ip string, since auth.SendWindows) (auth.SendCounts, error) {
	var c auth.SendCounts
	err := s.db.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM code_sends WHERE email = $1 AND ip = $2 AND created_at > $3),
		(SELECT count(*) FROM code_sends WHERE email = $1 AND created_at > $4),
		(SELECT count(*) FROM code_sends WHERE ip = $2 AND created_at > $5)`,
		email, ip, since.Pair, since.Email, since.IP).Scan(&c.Pair, &c.Email, &c.IP)
	if err != nil {
		return c, fmt.Errorf("count code sends: %w", err)
	}
	return c, nil
}

// SaveCode replaces the browser's code for the address and records the send.
func (s *SignIn) SaveCode(ctx context.Context, c auth.StoredCode, ip string) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO verification_codes (email, browser_hash, code_hash, attempts, purpose, ticket_number, expires_at, created_at)
		VALUES ($1, $2, $3, 0, $4, NULLIF($5, 0), $6, $7)
		ON CONFLICT (email, browser_hash) DO UPDATE SET code_hash = EXCLUDED.code_hash, attempts = 0,
			purpose = EXCLUDED.purpose, ticket_number = EXCLUDED.ticket_number,
			expires_at = EXCLUDED.expires_at, created_at = EXCLUDED.created_at`,
		c.Email, c.BrowserHash, c.CodeHash, c.Purpose, c.Ticket, c.ExpiresAt, c.CreatedAt)
	if err != nil {
		return fmt.Errorf("save code: %w", err)
	}
	_, err = s.db.Exec(ctx, `INSERT INTO code_sends (email, ip, created_at) VALUES ($1, $2, $3)`, c.Email, ip, c.CreatedAt)
	if err != nil {
		return fmt.Errorf("record code send: %w", err)
	}
	return nil
}

// LockCode returns the browser's code for the address FOR UPDATE.
func (s *SignIn) LockCode(ctx context.Context, email string, browserHash []byte) (*auth.StoredCode, error) {
	c := auth.StoredCode{Email: email, BrowserHash: browserHash}
	var ticket *int64
	err := s.db.QueryRow(ctx, `SELECT code_hash, attempts, purpose, ticket_number, expires_at, created_at
		FROM verification_codes WHERE email = $1 AND browser_hash = $2 FOR UPDATE`, email, browserHash).
		Scan(&c.CodeHash, &c.Attempts, &c.Purpose, &ticket, &c.ExpiresAt, &c.CreatedAt)
	if err != nil {
		return nil, notFound(err)
	}
	if ticket != nil {
		c.Ticket = *ticket
	}
	return &c, nil
}

// CodeFailures counts the client's and the address's recent wrong codes.
func (s *SignIn) CodeFailures(ctx context.Context, ip string, ipSince time.Time, email string, emailSince time.Time) (byIP, byEmail int, err error) {
	err = s.db.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM code_failures WHERE ip = $1 AND created_at > $2),
		(SELECT count(*) FROM code_failures WHERE email = $3 AND created_at > $4)`,
		ip, ipSince, email, emailSince).Scan(&byIP, &byEmail)
	if err != nil {
		return 0, 0, fmt.Errorf("count wrong codes: %w", err)
	}
	return byIP, byEmail, nil
}

// RecordCodeFailure counts a wrong code against the code, client and address.
func (s *SignIn) RecordCodeFailure(ctx context.Context, email string, browserHash []byte, ip string, at time.Time) error {
	_, err := s.db.Exec(ctx, `UPDATE verification_codes SET attempts = attempts + 1 WHERE email = $1 AND browser_hash = $2`,
		email, browserHash)
	if err != nil {
		return fmt.Errorf("record wrong code: %w", err)
	}
	_, err = s.db.Exec(ctx, `INSERT INTO code_failures (email, ip, created_at) VALUES ($1, $2, $3)`, email, ip, at)
	if err != nil {
		return fmt.Errorf("record wrong code: %w", err)
	}
	return nil
}

// DeleteCode removes the browser's code for the address.
func (s *SignIn) DeleteCode(ctx context.Context, email string, browserHash []byte) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM verification_codes WHERE email = $1 AND browser_hash = $2`,
		email, browserHash); err != nil {
		return fmt.Errorf("delete code: %w", err)
	}
	return nil
}
