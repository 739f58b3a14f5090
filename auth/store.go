// Package auth holds the rules of signing in: one-time codes
// that prove a visitor reads an address (hashed at rest, bound to the
// browser that asked, few tries, sends and wrong codes limited per client),
// web sessions for customers and agents (random ids stored as SHA-256, idle
// and absolute expiry, a CSRF token each), and agent accounts with argon2id
// passwords and a sign-in that failures slow but never lock.
//
// The rows live in PostgreSQL behind a Keeper (storage.SignIn), which
// stores and counts; every decision (limits and their windows, expiry,
// hashing) is made here, in plain Go, with transactions and locks asked of
// the Keeper where a limit must hold under concurrency. The web layer calls
// it; the CLI uses the agent methods. Codes and session ids are never
// logged or returned in errors.
package auth

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"inboxdesk/link"
)

// Config holds the rules of the store. Zero fields take DefaultConfig's value.
type Config struct {
	// CodeKey is the server secret one-time codes are hashed with (HMAC-SHA256,
	// at least link.MinKeyLen bytes). Without it the code methods fail; the
	// agent and session methods still work (the CLI needs no key).
	CodeKey []byte

	CodeTTL      time.Duration // how long a code works (10 min)
	CodeAttempts int           // wrong tries that kill a code (5)

	SendsPerAddress      int           // codes one client may have sent to one address per AddressWindow (3)
	AddressWindow        time.Duration // (10 min)
	SendsPerAddressTotal int           // codes one address may be sent per AddressTotalWindow, by all clients (10)
	AddressTotalWindow   time.Duration // (1 h)
	SendsPerIP           int           // codes one client may ask for per IPWindow (10)
	IPWindow             time.Duration // (1 h)

	WrongCodesPerIP         int // wrong codes one client may type per IPWindow (20)
	WrongCodesPerAddressDay int // wrong codes per address per day before each code allows one try (50)

	SessionIdle time.Duration // a session unused this long ends (12 h)
	SessionMax  time.Duration // a session ends this long after sign-in, used or not (7 days)

	// Failed agent sign-ins within LoginWindow (15 min): those of one
	// (address, client) past LoginFailuresPerAddress (5), and those of an
	// address past LoginFailuresPerAddressTotal (50) for browsers it never
	// signed in from, slow further tries (1 s, doubling, at most
	// LoginMaxDelay, 1 min); LoginFailuresPerIP (20) over all addresses
	// refuse the client until the window passes.
	LoginFailuresPerAddress      int
	LoginFailuresPerAddressTotal int
	LoginFailuresPerIP           int
	LoginWindow                  time.Duration
	LoginMaxDelay                time.Duration
	// DeviceMaxAge is how long a browser an agent signed in from stays
	// known without a sign-in (180 days).
	DeviceMaxAge time.Duration

	// Now is the clock (time.Now when nil); tests move it.
	Now func() time.Time
}

// DefaultConfig returns the rules used for zero fields.
func DefaultConfig() Config {
	return Config{
		CodeTTL:                 10 * time.Minute,
		CodeAttempts:            5,
		SendsPerAddress:         3,
		AddressWindow:           10 * time.Minute,
		SendsPerAddressTotal:    10,
		AddressTotalWindow:      time.Hour,
		SendsPerIP:              10,
		IPWindow:                time.Hour,
		WrongCodesPerIP:         20,
		WrongCodesPerAddressDay: 50,
		SessionIdle:             12 * time.Hour,
		SessionMax:              7 * 24 * time.Hour,
		LoginFailuresPerAddress: 5,
		LoginFailuresPerIP:      20,
		LoginWindow:             15 * time.Minute,
		LoginMaxDelay:           time.Minute,
		DeviceMaxAge:            180 * 24 * time.Hour,

		LoginFailuresPerAddressTotal: 50,
		Now:                          time.Now,
	}
}

// Errors of the store; test with errors.Is.
var (
	ErrNotFound       = errors.New("auth: not found")
	ErrNoCodeKey      = errors.New("auth: no code key configured")
	ErrTooManySends   = errors.New("auth: too many codes asked for; wait a while")
	ErrNoCode         = errors.New("auth: no code was sent to this address")
	ErrCodeWrong      = errors.New("auth: wrong code")
	ErrCodeExpired    = errors.New("auth: code expired")
	ErrCodeUsedUp     = errors.New("auth: too many wrong tries; ask for a new code")
	ErrTooManyChecks  = errors.New("auth: too many wrong codes from this client; wait a while")
	ErrNoBrowser      = errors.New("auth: a code needs the asking browser's nonce")
	ErrBadLogin       = errors.New("auth: wrong address or password")
	ErrTooManyLogins  = errors.New("auth: too many failed sign-ins; wait a while")
	ErrWeakPassword   = fmt.Errorf("auth: a password needs %d to %d characters", MinPasswordLen, MaxPasswordLen)
	ErrAgentExists    = errors.New("auth: an agent with that address exists")
	ErrInvalidAddress = errors.New("auth: not an email address")
	ErrBadRole        = errors.New("auth: a role is admin or agent")
	ErrLastAdmin      = errors.New("auth: the team needs at least one enabled admin")
)

// Store applies the rules of codes, sessions and agents to what its
// Keeper keeps.
type Store struct {
	db  Keeper
	cfg Config
}

// NewStore returns a store over db with cfg's rules (zero fields defaulted).
func NewStore(db Keeper, cfg Config) *Store {
	return &Store{db: db, cfg: withDefaults(cfg)}
}

func withDefaults(c Config) Config {
	d := DefaultConfig()
	setDur := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	setInt := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	setDur(&c.CodeTTL, d.CodeTTL)
	setDur(&c.AddressWindow, d.AddressWindow)
	setDur(&c.IPWindow, d.IPWindow)
	setDur(&c.AddressTotalWindow, d.AddressTotalWindow)
	setDur(&c.SessionIdle, d.SessionIdle)
	setDur(&c.SessionMax, d.SessionMax)
	setDur(&c.LoginWindow, d.LoginWindow)
	setDur(&c.LoginMaxDelay, d.LoginMaxDelay)
	setDur(&c.DeviceMaxAge, d.DeviceMaxAge)
	setInt(&c.CodeAttempts, d.CodeAttempts)
	setInt(&c.SendsPerAddress, d.SendsPerAddress)
	setInt(&c.SendsPerIP, d.SendsPerIP)
	setInt(&c.SendsPerAddressTotal, d.SendsPerAddressTotal)
	setInt(&c.WrongCodesPerIP, d.WrongCodesPerIP)
	setInt(&c.WrongCodesPerAddressDay, d.WrongCodesPerAddressDay)
	setInt(&c.LoginFailuresPerAddress, d.LoginFailuresPerAddress)
	setInt(&c.LoginFailuresPerIP, d.LoginFailuresPerIP)
	setInt(&c.LoginFailuresPerAddressTotal, d.LoginFailuresPerAddressTotal)
	if c.Now == nil {
		c.Now = d.Now
	}
	return c
}

// Config returns the store's rules, defaults filled in.
func (s *Store) Config() Config { return s.cfg }

func (s *Store) now() time.Time { return s.cfg.Now().UTC() }

// NormalizeEmail lower-cases and trims an address and checks its shape
// loosely (one @, something on each side, no spaces or angle brackets).
func NormalizeEmail(email string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") ||
		strings.ContainsAny(e, " \t\r\n<>,;\"") || len(e) > 254 {
		return "", ErrInvalidAddress
	}
	return e, nil
}

func (s *Store) codeKey() ([]byte, error) {
	if len(s.cfg.CodeKey) < link.MinKeyLen {
		return nil, ErrNoCodeKey
	}
	return s.cfg.CodeKey, nil
}
