package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// dummyHash is checked when no usable account exists, so that a wrong
// address costs as much time as a wrong password. It is made on first use,
// not at start-up.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("no such agent, no such password")
	return h
})

// LoginAttempt is an agent's address and password typed in a browser.
type LoginAttempt struct {
	Email, Password string
	IP              string // the client, for the limits
	// Device is the browser's device cookie ("" when none): the secret
	// AgentLogin returned when this browser last signed in.
	Device string
}

// LoginDelayError is a try refused without a check because its client, or
// the address, failed too often lately: the next try is welcome after Wait.
type LoginDelayError struct{ Wait time.Duration }

func (e *LoginDelayError) Error() string {
	return fmt.Sprintf("auth: too many failed sign-ins; try again in %v", e.Wait)
}

// Unwrap makes errors.Is(err, ErrTooManyLogins) hold.
func (e *LoginDelayError) Unwrap() error { return ErrTooManyLogins }

// AgentLogin checks an agent's address and password. Wrong address, wrong
// password, no password set and a disabled account all give ErrBadLogin and
// count as a failure. Failures slow down, never lock: after
// LoginFailuresPerAddress failures of one (address, client) within
// LoginWindow, that client waits before each further try (one second,
// doubling up to LoginMaxDelay), and after LoginFailuresPerAddressTotal
// failures of an address from all clients, so does every browser that has
// not signed in as that agent before; a try too early gets a
// *LoginDelayError. A client with LoginFailuresPerIP failures over all
// addresses gets ErrTooManyLogins until the window passes. None of this
// holds back a device that signed in before (attempt.Device), unless that
// device itself failed LoginFailuresPerAddress times. Success returns the
// device secret for the browser to keep (the same one, or a new one).
func (s *Store) AgentLogin(ctx context.Context, at LoginAttempt) (*Agent, string, error) {
	at.Email = strings.ToLower(strings.TrimSpace(at.Email))
	if err := s.checkLoginLimits(ctx, at); err != nil {
		return nil, "", err
	}
	var id int64
	var hash string
	var disabled bool
	err := s.pool.QueryRow(ctx, `SELECT id, password_hash, disabled FROM agents WHERE email = $1`, at.Email).
		Scan(&id, &hash, &disabled)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, "", fmt.Errorf("agent login: %w", err)
	}
	if hash == "" {
		hash = dummyHash()
	}
	if ok := CheckPassword(hash, at.Password); !ok || id == 0 || disabled {
		return nil, "", s.recordLoginFailure(ctx, at)
	}
	device, err := s.signedIn(ctx, id, at)
	if err != nil {
		return nil, "", fmt.Errorf("agent login: %w", err)
	}
	a, err := s.AgentByID(ctx, id)
	return a, device, err
}

// loginCounts are the failures within LoginWindow that the limits look at.
type loginCounts struct {
	byIP, byPair, byEmail, byDevice int
	lastPair, lastEmail             *time.Time
	knownDevice                     bool
}

func (s *Store) checkLoginLimits(ctx context.Context, at LoginAttempt) error {
	now := s.now()
	var c loginCounts
	err := s.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM login_failures WHERE ip = $2 AND created_at > $3),
		(SELECT count(*) FROM login_failures WHERE email = $1 AND ip = $2 AND created_at > $3),
		(SELECT max(created_at) FROM login_failures WHERE email = $1 AND ip = $2 AND created_at > $3),
		(SELECT count(*) FROM login_failures WHERE email = $1 AND created_at > $3),
		(SELECT max(created_at) FROM login_failures WHERE email = $1 AND created_at > $3),
		(SELECT count(*) FROM login_failures WHERE device_hash = $4 AND created_at > $3),
		EXISTS (SELECT 1 FROM agent_devices d JOIN agents a ON a.id = d.agent_id
			WHERE d.token_hash = $4 AND a.email = $1)`,
		at.Email, at.IP, now.Add(-s.cfg.LoginWindow), s.deviceHash(at.Device)).
		Scan(&c.byIP, &c.byPair, &c.lastPair, &c.byEmail, &c.lastEmail, &c.byDevice, &c.knownDevice)
	if err != nil {
		return fmt.Errorf("agent login: %w", err)
	}
	if c.knownDevice && c.byDevice < s.cfg.LoginFailuresPerAddress {
		return nil
	}
	if c.byIP >= s.cfg.LoginFailuresPerIP {
		return ErrTooManyLogins
	}
	wait := max(s.loginWait(c.byPair, s.cfg.LoginFailuresPerAddress, c.lastPair, now),
		s.loginWait(c.byEmail, s.cfg.LoginFailuresPerAddressTotal, c.lastEmail, now))
	if wait > 0 {
		return &LoginDelayError{Wait: wait}
	}
	return nil
}

// loginWait is how long a try must still wait after n failures, the last
// at last, when free failures go unslowed: one second after the first
// failure past free, doubling with each, at most LoginMaxDelay.
func (s *Store) loginWait(n, free int, last *time.Time, now time.Time) time.Duration {
	if n < free || last == nil {
		return 0
	}
	delay := s.cfg.LoginMaxDelay
	if k := n - free; k < 30 {
		delay = min(time.Second<<k, delay)
	}
	return max(last.Add(delay).Sub(now), 0)
}

func (s *Store) recordLoginFailure(ctx context.Context, at LoginAttempt) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO login_failures (email, ip, device_hash, created_at) VALUES ($1, $2, $3, $4)`,
		at.Email, at.IP, s.deviceHash(at.Device), s.now())
	if err != nil {
		return fmt.Errorf("agent login: %w", err)
	}
	return ErrBadLogin
}

// signedIn clears the client's failures for the address and returns the
// device secret: the browser's own when it is already this agent's, else a
// new one.
func (s *Store) signedIn(ctx context.Context, agentID int64, at LoginAttempt) (string, error) {
	now := s.now()
	var device string
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE email = $1 AND (ip = $2 OR device_hash = $3)`,
			at.Email, at.IP, s.deviceHash(at.Device)); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE agent_devices SET last_used_at = $3 WHERE token_hash = $1 AND agent_id = $2`,
			s.deviceHash(at.Device), agentID, now)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			device = at.Device
			return nil
		}
		device = randomToken()
		_, err = tx.Exec(ctx, `INSERT INTO agent_devices (token_hash, agent_id, created_at, last_used_at)
			VALUES ($1, $2, $3, $3)`, hashID(device), agentID, now)
		return err
	})
	return device, err
}

// deviceHash is what is stored for a device secret; nil for none, which
// matches no device.
func (s *Store) deviceHash(device string) []byte {
	if device == "" {
		return nil
	}
	return hashID(device)
}
