package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
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
	_, err := s.pool.Exec(ctx, `
		INSERT INTO sessions (id_hash, role, customer_id, agent_id, csrf_token, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, NULLIF($3, 0), NULLIF($4, 0), $5, $6, $6, $7)`,
		hashID(id), string(role), cust, agent, csrf, now, now.Add(s.cfg.SessionMax))
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
	now := s.now()
	var sess Session
	var role string
	err := s.pool.QueryRow(ctx, `
		SELECT s.role, coalesce(s.customer_id, 0), coalesce(s.agent_id, 0), coalesce(c.email, a.email, ''),
			coalesce(c.name, a.name, ''), coalesce(c.language, ''), coalesce(c.language_site, ''), s.csrf_token, s.created_at, s.last_seen_at,
			s.expires_at, coalesce(a.role = 'admin', false)
		FROM sessions s LEFT JOIN customers c ON c.id = s.customer_id LEFT JOIN agents a ON a.id = s.agent_id
		WHERE s.id_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND NOT coalesce(a.disabled, false)`,
		hashID(id), now, now.Add(-s.cfg.SessionIdle)).Scan(&role, &sess.CustomerID, &sess.AgentID, &sess.Email,
		&sess.Name, &sess.Language, &sess.SiteLanguage, &sess.CSRF, &sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt, &sess.Admin)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	sess.Role = Role(role)
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		if _, err := s.pool.Exec(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1`, hashID(id), now); err != nil {
			return nil, fmt.Errorf("touch session: %w", err)
		}
		sess.LastSeenAt = now
	}
	return &sess, nil
}

// DeleteSession ends the session whose cookie value is id (sign-out). Ending
// a session that does not exist is not an error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, hashID(id)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteAgentSessions signs an agent out everywhere.
func (s *Store) DeleteAgentSessions(ctx context.Context, agentID int64) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE agent_id = $1`, agentID); err != nil {
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
