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
	Email string // the address the code goes to
	IP    string // the client asking, for the per-client limits
	// Browser is the asking browser's secret nonce (a cookie). Only a check
	// carrying the same nonce finds the code, so a code is of no use, and
	// no harm, to anyone else.
	Browser string
	Purpose string // link.PurposeTicket or link.PurposeLogin (recorded, not enforced)
	Ticket  int64  // the ticket number for PurposeTicket, else 0
}

// CodeCheck is a code typed in a browser.
type CodeCheck struct {
	Email   string // the address the code was sent to
	Code    string
	Browser string // the browser's nonce, as in CodeRequest
	IP      string // the client, for the per-client limit on wrong codes
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

// codeDay is the window of the daily cap on wrong codes per address.
const codeDay = 24 * time.Hour

// CreateCode makes a new one-time code for req.Email, bound to req.Browser,
// and returns it, to be mailed to that address and nowhere else. The code
// replaces any earlier one of the same browser for the address; other
// browsers' codes stay. More than SendsPerAddress codes per AddressWindow
// for one (address, client), SendsPerAddressTotal per AddressTotalWindow for
// an address, or SendsPerIP per IPWindow for a client give ErrTooManySends.
func (s *Store) CreateCode(ctx context.Context, req CodeRequest) (string, error) {
	key, err := s.codeKey()
	if err != nil {
		return "", err
	}
	email, err := NormalizeEmail(req.Email)
	if err != nil {
		return "", err
	}
	if req.Browser == "" {
		return "", ErrNoBrowser
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
	var byPair, byEmail, byIP int
	err := tx.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM code_sends WHERE email = $1 AND ip = $2 AND created_at > $3),
		(SELECT count(*) FROM code_sends WHERE email = $1 AND created_at > $4),
		(SELECT count(*) FROM code_sends WHERE ip = $2 AND created_at > $5)`,
		email, ip, now.Add(-s.cfg.AddressWindow), now.Add(-s.cfg.AddressTotalWindow), now.Add(-s.cfg.IPWindow)).
		Scan(&byPair, &byEmail, &byIP)
	if err != nil {
		return err
	}
	if byPair >= s.cfg.SendsPerAddress || byEmail >= s.cfg.SendsPerAddressTotal || byIP >= s.cfg.SendsPerIP {
		return ErrTooManySends
	}
	return nil
}

func storeCode(ctx context.Context, tx pgx.Tx, email string, hash []byte, req CodeRequest, now, expires time.Time) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO verification_codes (email, browser_hash, code_hash, attempts, purpose, ticket_number, expires_at, created_at)
		VALUES ($1, $2, $3, 0, $4, NULLIF($5, 0), $6, $7)
		ON CONFLICT (email, browser_hash) DO UPDATE SET code_hash = EXCLUDED.code_hash, attempts = 0,
			purpose = EXCLUDED.purpose, ticket_number = EXCLUDED.ticket_number,
			expires_at = EXCLUDED.expires_at, created_at = EXCLUDED.created_at`,
		email, hashID(req.Browser), hash, req.Purpose, req.Ticket, expires, now)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO code_sends (email, ip, created_at) VALUES ($1, $2, $3)`, email, req.IP, now)
	return err
}

// CheckCode checks a code typed in a browser for an address. Only the code
// that browser asked for is compared: a check from any other browser finds
// no code (ErrNoCode) and counts against nothing. A correct code is used up
// and returns what it was sent for. Otherwise: ErrCodeExpired, a
// *WrongCodeError (errors.Is ErrCodeWrong) while tries are left, and
// ErrCodeUsedUp after CodeAttempts wrong tries — even for the right code.
// A client with WrongCodesPerIP wrong codes in IPWindow gets
// ErrTooManyChecks without a comparison. Once an address has had
// WrongCodesPerAddressDay wrong codes in a day, each of its codes allows one
// try only: guessing stays bounded by the send limits, and the owner's right
// code still works.
func (s *Store) CheckCode(ctx context.Context, c CodeCheck) (CodeGrant, error) {
	key, err := s.codeKey()
	if err != nil {
		return CodeGrant{}, err
	}
	email, err := NormalizeEmail(c.Email)
	if err != nil || c.Browser == "" {
		return CodeGrant{}, ErrNoCode
	}
	c.Email = email
	var grant CodeGrant
	var verdict error // decided inside the transaction, which commits either way
	err = s.tx(ctx, func(tx pgx.Tx) error {
		grant, verdict, err = s.checkCodeTx(ctx, tx, c, link.HashCode(key, email, c.Code))
		return err
	})
	if err != nil {
		return CodeGrant{}, fmt.Errorf("check code: %w", err)
	}
	return grant, verdict
}

func (s *Store) checkCodeTx(ctx context.Context, tx pgx.Tx, c CodeCheck, typed []byte) (CodeGrant, error, error) {
	var stored []byte
	var attempts int
	var ticket *int64
	var expires time.Time
	g := CodeGrant{Email: c.Email}
	err := tx.QueryRow(ctx, `SELECT code_hash, attempts, purpose, ticket_number, expires_at
		FROM verification_codes WHERE email = $1 AND browser_hash = $2 FOR UPDATE`, c.Email, hashID(c.Browser)).
		Scan(&stored, &attempts, &g.Purpose, &ticket, &expires)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return CodeGrant{}, ErrNoCode, nil
	case err != nil:
		return CodeGrant{}, nil, err
	}
	byIP, byEmail, err := s.wrongCodes(ctx, tx, c)
	switch {
	case err != nil:
		return CodeGrant{}, nil, err
	case byIP >= s.cfg.WrongCodesPerIP:
		return CodeGrant{}, ErrTooManyChecks, nil
	}
	allowed := s.cfg.CodeAttempts
	if byEmail >= s.cfg.WrongCodesPerAddressDay {
		allowed = 1
	}
	switch {
	case attempts >= allowed:
		return CodeGrant{}, ErrCodeUsedUp, nil
	case !s.now().Before(expires):
		return CodeGrant{}, ErrCodeExpired, nil
	case !link.CodeEqual(stored, typed):
		if err := s.recordWrongCode(ctx, tx, c); err != nil {
			return CodeGrant{}, nil, err
		}
		return CodeGrant{}, wrongCode(allowed - attempts - 1), nil
	}
	_, err = tx.Exec(ctx, `DELETE FROM verification_codes WHERE email = $1 AND browser_hash = $2`, c.Email, hashID(c.Browser))
	if err != nil {
		return CodeGrant{}, nil, err
	}
	if ticket != nil {
		g.Ticket = *ticket
	}
	return g, nil, nil
}

// wrongCodes counts the client's wrong codes in IPWindow and the address's
// in the last day.
func (s *Store) wrongCodes(ctx context.Context, tx pgx.Tx, c CodeCheck) (byIP, byEmail int, err error) {
	now := s.now()
	err = tx.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM code_failures WHERE ip = $1 AND created_at > $2),
		(SELECT count(*) FROM code_failures WHERE email = $3 AND created_at > $4)`,
		c.IP, now.Add(-s.cfg.IPWindow), c.Email, now.Add(-codeDay)).Scan(&byIP, &byEmail)
	return byIP, byEmail, err
}

// recordWrongCode counts a wrong code against the browser's code, the
// client and the address.
func (s *Store) recordWrongCode(ctx context.Context, tx pgx.Tx, c CodeCheck) error {
	_, err := tx.Exec(ctx, `UPDATE verification_codes SET attempts = attempts + 1 WHERE email = $1 AND browser_hash = $2`,
		c.Email, hashID(c.Browser))
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO code_failures (email, ip, created_at) VALUES ($1, $2, $3)`, c.Email, c.IP, s.now())
	return err
}

// wrongCode is the verdict on a wrong code with left tries still allowed.
func wrongCode(left int) error {
	if left > 0 {
		return &WrongCodeError{Left: left}
	}
	return ErrCodeUsedUp
}
