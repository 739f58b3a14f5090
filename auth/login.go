package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
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
	p, err := s.db.AgentPassword(ctx, at.Email)
	switch {
	case errors.Is(err, ErrNotFound):
		p = &AgentPassword{}
	case err != nil:
		return nil, "", fmt.Errorf("agent login: %w", err)
	}
	hash := p.Hash
	if hash == "" {
		hash = dummyHash()
	}
	if ok := CheckPassword(hash, at.Password); !ok || p.ID == 0 || p.Disabled {
		return nil, "", s.recordLoginFailure(ctx, at)
	}
	device, err := s.signedIn(ctx, p.ID, at)
	if err != nil {
		return nil, "", fmt.Errorf("agent login: %w", err)
	}
	a, err := s.AgentByID(ctx, p.ID)
	return a, device, err
}

func (s *Store) checkLoginLimits(ctx context.Context, at LoginAttempt) error {
	now := s.now()
	c, err := s.db.LoginFailures(ctx, at.Email, at.IP, s.deviceHash(at.Device), now.Add(-s.cfg.LoginWindow))
	if err != nil {
		return fmt.Errorf("agent login: %w", err)
	}
	if c.KnownDevice && c.ByDevice < s.cfg.LoginFailuresPerAddress {
		return nil
	}
	if c.ByIP >= s.cfg.LoginFailuresPerIP {
		return ErrTooManyLogins
	}
	wait := max(s.loginWait(c.ByPair, s.cfg.LoginFailuresPerAddress, c.LastPair, now),
		s.loginWait(c.ByEmail, s.cfg.LoginFailuresPerAddressTotal, c.LastEmail, now))
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
	if err := s.db.InsertLoginFailure(ctx, at.Email, at.IP, s.deviceHash(at.Device), s.now()); err != nil {
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
	err := s.db.InTx(ctx, func(db Keeper) error {
		if err := db.ClearLoginFailures(ctx, at.Email, at.IP, s.deviceHash(at.Device)); err != nil {
			return err
		}
		known, err := db.TouchDevice(ctx, s.deviceHash(at.Device), agentID, now)
		if err != nil || known {
			device = at.Device
			return err
		}
		device = randomToken()
		return db.InsertDevice(ctx, hashID(device), agentID, now)
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
