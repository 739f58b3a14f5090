package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"inboxdesk/link"
)

// CodeRequest says who asks for a one-time code and what for.
type CodeRequest struct {
	Email   string // the address the code goes to
	IP      string // the client asking, for the per-client limit
	Purpose string // link.PurposeTicket or link.PurposeLogin (recorded, not enforced)
	Ticket  int64  // the ticket number for PurposeTicket, else 0
}

// CodeGrant is what a correct code proved.
type CodeGrant struct {
	Email   string
	Purpose string
	Ticket  int64
}

// WrongCodeError is a wrong code that may be tried again Left more times.
type WrongCodeError struct{ Left int }

func (e *WrongCodeError) Error() string {
	return fmt.Sprintf("auth: wrong code (%d tries left)", e.Left)
}

// Unwrap makes errors.Is(err, ErrCodeWrong) hold.
func (e *WrongCodeError) Unwrap() error { return ErrCodeWrong }

// CreateCode makes a new one-time code for req.Email and returns it, to be
// mailed to that address and nowhere else. The code replaces any earlier one
// for the address. More than SendsPerAddress codes per AddressWindow for an
// address, or SendsPerIP per IPWindow for a client, give ErrTooManySends.
func (s *Store) CreateCode(ctx context.Context, req CodeRequest) (string, error) {
	key, err := s.codeKey()
	if err != nil {
		return "", err
	}
	email, err := NormalizeEmail(req.Email)
	if err != nil {
		return "", err
	}
	code, err := link.NewCode()
	if err != nil {
		return "", err
	}
	now := s.now()
	err = s.tx(ctx, func(tx pgx.Tx) error {
		if err := s.checkSendLimits(ctx, tx, email, req.IP, now); err != nil {
			return err
		}
		return storeCode(ctx, tx, email, link.HashCode(key, email, code), req, now, now.Add(s.cfg.CodeTTL))
	})
	if err != nil {
		return "", fmt.Errorf("create code: %w", err)
	}
	return code, nil
}

// checkSendLimits counts recent sends under per-address and per-client
// transaction locks, so that concurrent requests cannot both slip under a limit.
func (s *Store) checkSendLimits(ctx context.Context, tx pgx.Tx, email, ip string, now time.Time) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('code-email:' || $1, 0)),
		pg_advisory_xact_lock(hashtextextended('code-ip:' || $2, 0))`, email, ip); err != nil {
		return err
	}
	var byEmail, byIP int
	err := tx.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM code_sends WHERE email = $1 AND created_at > $3),
		(SELECT count(*) FROM code_sends WHERE ip = $2 AND created_at > $4)`,
		email, ip, now.Add(-s.cfg.AddressWindow), now.Add(-s.cfg.IPWindow)).Scan(&byEmail, &byIP)
	if err != nil {
		return err
	}
	if byEmail >= s.cfg.SendsPerAddress || byIP >= s.cfg.SendsPerIP {
		return ErrTooManySends
	}
	return nil
}

func storeCode(ctx context.Context, tx pgx.Tx, email string, hash []byte, req CodeRequest, now, expires time.Time) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO verification_codes (email, code_hash, attempts, purpose, ticket_number, expires_at, created_at)
		VALUES ($1, $2, 0, $3, NULLIF($4, 0), $5, $6)
		ON CONFLICT (email) DO UPDATE SET code_hash = EXCLUDED.code_hash, attempts = 0,
			purpose = EXCLUDED.purpose, ticket_number = EXCLUDED.ticket_number,
			expires_at = EXCLUDED.expires_at, created_at = EXCLUDED.created_at`,
		email, hash, req.Purpose, req.Ticket, expires, now)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO code_sends (email, ip, created_at) VALUES ($1, $2, $3)`, email, req.IP, now)
	return err
}

// CheckCode checks a code typed for email. A correct code is used up and
// returns what it was sent for. Otherwise: ErrNoCode, ErrCodeExpired, a
// *WrongCodeError (errors.Is ErrCodeWrong) while tries are left, and
// ErrCodeUsedUp after CodeAttempts wrong tries — even for the right code.
func (s *Store) CheckCode(ctx context.Context, email, code string) (CodeGrant, error) {
	key, err := s.codeKey()
	if err != nil {
		return CodeGrant{}, err
	}
	email, err = NormalizeEmail(email)
	if err != nil {
		return CodeGrant{}, ErrNoCode
	}
	var grant CodeGrant
	var verdict error // decided inside the transaction, which commits either way
	err = s.tx(ctx, func(tx pgx.Tx) error {
		grant, verdict, err = s.checkCodeTx(ctx, tx, email, link.HashCode(key, email, code))
		return err
	})
	if err != nil {
		return CodeGrant{}, fmt.Errorf("check code: %w", err)
	}
	return grant, verdict
}

func (s *Store) checkCodeTx(ctx context.Context, tx pgx.Tx, email string, typed []byte) (CodeGrant, error, error) {
	var stored []byte
	var attempts int
	var ticket *int64
	var expires time.Time
	g := CodeGrant{Email: email}
	err := tx.QueryRow(ctx, `SELECT code_hash, attempts, purpose, ticket_number, expires_at
		FROM verification_codes WHERE email = $1 FOR UPDATE`, email).Scan(&stored, &attempts, &g.Purpose, &ticket, &expires)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return CodeGrant{}, ErrNoCode, nil
	case err != nil:
		return CodeGrant{}, nil, err
	case attempts >= s.cfg.CodeAttempts:
		return CodeGrant{}, ErrCodeUsedUp, nil
	case !s.now().Before(expires):
		return CodeGrant{}, ErrCodeExpired, nil
	}
	if !link.CodeEqual(stored, typed) {
		if _, err := tx.Exec(ctx, `UPDATE verification_codes SET attempts = attempts + 1 WHERE email = $1`, email); err != nil {
			return CodeGrant{}, nil, err
		}
		if left := s.cfg.CodeAttempts - attempts - 1; left > 0 {
			return CodeGrant{}, &WrongCodeError{Left: left}, nil
		}
		return CodeGrant{}, ErrCodeUsedUp, nil
	}
	if _, err := tx.Exec(ctx, `DELETE FROM verification_codes WHERE email = $1`, email); err != nil {
		return CodeGrant{}, nil, err
	}
	if ticket != nil {
		g.Ticket = *ticket
	}
	return g, nil, nil
}
