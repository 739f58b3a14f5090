package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

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
	err = s.db.InTx(ctx, func(db Keeper) error {
		if err := s.checkSendLimits(ctx, db, email, req.IP, now); err != nil {
			return err
		}
		return db.SaveCode(ctx, StoredCode{Email: email, BrowserHash: hashID(req.Browser),
			CodeHash: link.HashCode(key, email, code), Purpose: req.Purpose, Ticket: req.Ticket,
			ExpiresAt: now.Add(s.cfg.CodeTTL), CreatedAt: now}, req.IP)
	})
	if err != nil {
		return "", fmt.Errorf("create code: %w", err)
	}
	return code, nil
}

// checkSendLimits counts recent sends under per-address and per-client
// transaction locks, so that concurrent requests cannot both slip under a limit.
func (s *Store) checkSendLimits(ctx context.Context, db Keeper, email, ip string, now time.Time) error {
	if err := db.LockCodeSends(ctx, email, ip); err != nil {
		return err
	}
	n, err := db.CodeSends(ctx, email, ip, SendWindows{Pair: now.Add(-s.cfg.AddressWindow),
		Email: now.Add(-s.cfg.AddressTotalWindow), IP: now.Add(-s.cfg.IPWindow)})
	if err != nil {
		return err
	}
	if n.Pair >= s.cfg.SendsPerAddress || n.Email >= s.cfg.SendsPerAddressTotal || n.IP >= s.cfg.SendsPerIP {
		return ErrTooManySends
	}
	return nil
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
	err = s.db.InTx(ctx, func(db Keeper) error {
		grant, verdict, err = s.checkCodeTx(ctx, db, c, link.HashCode(key, email, c.Code))
		return err
	})
	if err != nil {
		return CodeGrant{}, fmt.Errorf("check code: %w", err)
	}
	return grant, verdict
}

// checkCodeTx judges the typed code under the code's row lock, and records
// the outcome: a wrong try counted, a right code used up.
func (s *Store) checkCodeTx(ctx context.Context, db Keeper, c CodeCheck, typed []byte) (CodeGrant, error, error) {
	browser := hashID(c.Browser)
	stored, err := db.LockCode(ctx, c.Email, browser)
	switch {
	case errors.Is(err, ErrNotFound):
		return CodeGrant{}, ErrNoCode, nil
	case err != nil:
		return CodeGrant{}, nil, err
	}
	now := s.now()
	byIP, byEmail, err := db.CodeFailures(ctx, c.IP, now.Add(-s.cfg.IPWindow), c.Email, now.Add(-codeDay))
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
	case stored.Attempts >= allowed:
		return CodeGrant{}, ErrCodeUsedUp, nil
	case !now.Before(stored.ExpiresAt):
		return CodeGrant{}, ErrCodeExpired, nil
	case !link.CodeEqual(stored.CodeHash, typed):
		if err := db.RecordCodeFailure(ctx, c.Email, browser, c.IP, now); err != nil {
			return CodeGrant{}, nil, err
		}
		return CodeGrant{}, wrongCode(allowed - stored.Attempts - 1), nil
	}
	if err := db.DeleteCode(ctx, c.Email, browser); err != nil {
		return CodeGrant{}, nil, err
	}
	return CodeGrant{Email: c.Email, Purpose: stored.Purpose, Ticket: stored.Ticket}, nil, nil
}

// wrongCode is the verdict on a wrong code with left tries still allowed.
func wrongCode(left int) error {
	if left > 0 {
		return &WrongCodeError{Left: left}
	}
	return ErrCodeUsedUp
}
