package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"inboxdesk/auth"
)

// InsertAPIToken stores a token with its secret's hash.
func (s *SignIn) InsertAPIToken(ctx context.Context, t *auth.APIToken, hash []byte) error {
	err := s.db.QueryRow(ctx, `INSERT INTO api_tokens (agent_id, name, token_hash, scope) VALUES ($1, $2, $3, $4)
		RETURNING id, created_at`, t.AgentID, t.Name, hash, string(t.Scope)).Scan(&t.ID, &t.CreatedAt)
	if err != nil {
		return fmt.Errorf("insert token: %w", err)
	}
	return nil
}

const apiTokenColumns = `t.id, t.agent_id, a.email, t.name, t.scope, t.created_at, t.last_used_at, t.revoked_at
	FROM api_tokens t JOIN agents a ON a.id = t.agent_id`

// APITokens lists the agent's tokens (every agent's for ""), newest first.
func (s *SignIn) APITokens(ctx context.Context, agentEmail string) ([]auth.APIToken, error) {
	rows, err := s.db.Query(ctx, `SELECT `+apiTokenColumns+` WHERE $1 = '' OR a.email = lower($1)
		ORDER BY t.id DESC`, agentEmail)
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	ts, err := pgx.CollectRows(rows, scanAPIToken)
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	return ts, nil
}

func scanAPIToken(r pgx.CollectableRow) (auth.APIToken, error) {
	var t auth.APIToken
	var scope string
	err := r.Scan(&t.ID, &t.AgentID, &t.AgentEmail, &t.Name, &scope, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt)
	t.Scope = auth.Scope(scope)
	return t, err
}

// RevokeAPIToken revokes a live token of agentID (of any agent for 0).
func (s *SignIn) RevokeAPIToken(ctx context.Context, agentID, id int64) error {
	tag, err := s.db.Exec(ctx, `UPDATE api_tokens SET revoked_at = now()
		WHERE id = $1 AND revoked_at IS NULL AND ($2 = 0 OR agent_id = $2)`, id, agentID)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return auth.ErrNotFound
	}
	return nil
}

// UseAPIToken records the use of the live token with the hash, of an
// enabled agent, and returns it.
func (s *SignIn) UseAPIToken(ctx context.Context, hash []byte) (*auth.APIToken, error) {
	rows, err := s.db.Query(ctx, `WITH used AS (
			UPDATE api_tokens SET last_used_at = now() WHERE token_hash = $1 AND revoked_at IS NULL
			AND agent_id IN (SELECT id FROM agents WHERE NOT disabled) RETURNING *)
		SELECT `+strings.Replace(apiTokenColumns, "api_tokens t", "used t", 1), hash)
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	t, err := pgx.CollectExactlyOneRow(rows, scanAPIToken)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, auth.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	return &t, nil
}
