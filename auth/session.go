package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// Role is who a session speaks for.
type Role string

const (
	RoleCustomer Role = "customer"
	RoleAgent    Role = "agent"
)

// touchEvery is how stale last_seen_at may get before a read refreshes it,
// so that not every request writes.
const touchEvery = time.Minute

// Session is a signed-in browser.
type Session struct {
	// ID is the secret cookie value. It is set only by CreateSession (the
	// database keeps its SHA-256) and must never be logged.
	ID         string
	Role       Role
	CustomerID int64 // set for RoleCustomer
	AgentID    int64 // set for RoleAgent
	Admin      bool  // the agent's role is admin (read with the session, so a change holds at once)
	Email      string
	Name       string
	Language   string // the customer's language, "" when unknown or an agent
	// SiteLanguage is the language of the last page the site served the
	// customer ("" when none yet, or an agent).
	SiteLanguage string
	CSRF         string // the token every form of this session carries
	CreatedAt    time.Time
	LastSeenAt   time.Time
	ExpiresAt    time.Time
}

// Who returns the customer or agent id, whichever the role names.
func (s *Session) Who() int64 {
	if s.Role == RoleAgent {
		return s.AgentID
	}
	return s.CustomerID
}

// CreateSession starts a session for the customer or agent with id who.
func (s *Store) CreateSession(ctx context.Context, role Role, who int64) (*Session, error) {
	if role != RoleCustomer && role != RoleAgent || who <= 0 {
		return nil, fmt.Errorf("create session: bad owner %s %d", role, who)
	}
	id, csrf := randomToken(), randomToken()
	var cust, agent int64
	if role == RoleAgent {
		agent = who
	} else {
		cust = who
	}
	now := s.now()
	err := s.db.InsertSession(ctx, StoredSession{IDHash: hashID(id), Session: Session{Role: role, CustomerID: cust,
		AgentID: agent, CSRF: csrf, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.cfg.SessionMax)}})
	if err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	sess, err := s.SessionByID(ctx, id)
	if err != nil {
		return nil, err
	}
	sess.ID = id
	return sess, nil
}

// SessionByID returns the live session whose cookie value is id, or
// ErrNotFound when there is none: never created, signed out, idle longer
// than SessionIdle, older than SessionMax, or its agent disabled.
func (s *Store) SessionByID(ctx context.Context, id string) (*Session, error) {
	if id == "" || len(id) > 128 {
		return nil, ErrNotFound
	}
	stored, err := s.db.SessionByHash(ctx, hashID(id))
	if errors.Is(err, ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	now := s.now()
	if !s.live(stored, now) {
		return nil, ErrNotFound
	}
	sess := stored.Session
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		if err := s.db.TouchSession(ctx, stored.IDHash, now); err != nil {
			return nil, fmt.Errorf("touch session: %w", err)
		}
		sess.LastSeenAt = now
	}
	return &sess, nil
}

// live reports whether a session may still be used at now: before its
// absolute end, used within SessionIdle, and not an agent disabled since.
func (s *Store) live(ss *StoredSession, now time.Time) bool {
	return ss.ExpiresAt.After(now) && ss.LastSeenAt.After(now.Add(-s.cfg.SessionIdle)) && !ss.AgentDisabled
}

// DeleteSession ends the session whose cookie value is id (sign-out). Ending
// a session that does not exist is not an error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if err := s.db.DeleteSession(ctx, hashID(id)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteAgentSessions signs an agent out everywhere.
func (s *Store) DeleteAgentSessions(ctx context.Context, agentID int64) error {
	if err := s.db.DeleteAgentSessions(ctx, agentID); err != nil {
		return fmt.Errorf("delete agent sessions: %w", err)
	}
	return nil
}

// randomToken returns 256 random bits, base64url without padding.
func randomToken() string {
	var b [32]byte
	// crypto/rand.Read never fails (it crashes the program instead).
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func hashID(id string) []byte {
	sum := sha256.Sum256([]byte(id))
	return sum[:]
}
