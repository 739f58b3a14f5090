package storage

import (
	"context"
	"fmt"
	"time"

	"inboxdesk/auth"
)

// InsertSession stores a new session.
func (s *SignIn) InsertSession(ctx context.Context, ss auth.StoredSession) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO sessions (id_hash, role, customer_id, agent_id, csrf_token, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, NULLIF($3, 0), NULLIF($4, 0), $5, $6, $7, $8)`,
		ss.IDHash, string(ss.Role), ss.CustomerID, ss.AgentID, ss.CSRF, ss.CreatedAt, ss.LastSeenAt, ss.ExpiresAt)
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

// SessionByHash returns the session with its owner, live or not.
func (s *SignIn) SessionByHash(ctx context.Context, idHash []byte) (*auth.StoredSession, error) {
	ss := auth.StoredSession{IDHash: idHash}
	var role string
	err := s.db.QueryRow(ctx, `
		SELECT s.role, coalesce(s.customer_id, 0), coalesce(s.agent_id, 0), coalesce(c.email, a.email, ''),
			coalesce(c.name, a.name, ''), coalesce(c.language, ''), coalesce(c.language_site, ''), s.csrf_token, s.created_at, s.last_seen_at,
			s.expires_at, coalesce(a.role = 'admin', false), coalesce(a.disabled, false)
		FROM sessions s LEFT JOIN customers c ON c.id = s.customer_id LEFT JOIN agents a ON a.id = s.agent_id
		WHERE s.id_hash = $1`, idHash).Scan(&role, &ss.CustomerID, &ss.AgentID, &ss.Email,
		&ss.Name, &ss.Language, &ss.SiteLanguage, &ss.CSRF, &ss.CreatedAt, &ss.LastSeenAt, &ss.ExpiresAt, &ss.Admin,
		&ss.AgentDisabled)
	if err != nil {
		return nil, notFound(err)
	}
	ss.Role = auth.Role(role)
	return &ss, nil
}

// TouchSession records that the session was used at at.
func (s *SignIn) TouchSession(ctx context.Context, idHash []byte, at time.Time) error {
	if _, err := s.db.Exec(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1`, idHash, at); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession ends one session.
func (s *SignIn) DeleteSession(ctx context.Context, idHash []byte) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteAgentSessions ends every session of the agent.
func (s *SignIn) DeleteAgentSessions(ctx context.Context, agentID int64) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE agent_id = $1`, agentID); err != nil {
		return fmt.Errorf("delete agent sessions: %w", err)
	}
	return nil
}
