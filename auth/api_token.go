package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Scope is what a personal access token may do.
type Scope string

const (
	ScopeRead  Scope = "read"  // read tickets, customers, attachments and events
	ScopeWrite Scope = "write" // read, and change tickets
)

// Allows reports whether a token of scope s may do what need asks.
func (s Scope) Allows(need Scope) bool { return s == ScopeWrite || s == need }

// tokenPrefix marks inboxdesk tokens, so secret scanners and people can
// tell one when they see it.
const tokenPrefix = "idk_"

// APIToken is an agent's personal access token for the REST API, without
// the secret (only its hash is stored).
type APIToken struct {
	ID         int64
	AgentID    int64
	AgentEmail string
	Name       string
	Scope      Scope
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// ErrTokenInvalid is an unknown, revoked or disabled agent's token.
var ErrTokenInvalid = errors.New("auth: token not valid")

// CreateAPIToken makes a token for the agent with the address. The secret is
// returned once and never stored.
func (s *Store) CreateAPIToken(ctx context.Context, agentEmail, name string, scope Scope) (string, *APIToken, error) {
	if scope != ScopeRead && scope != ScopeWrite {
		return "", nil, fmt.Errorf("create token: scope must be read or write, not %q", scope)
	}
	if strings.TrimSpace(name) == "" {
		return "", nil, errors.New("create token: a name is required (what the token is for)")
	}
	a, err := s.AgentByEmail(ctx, agentEmail)
	if err != nil {
		return "", nil, fmt.Errorf("create token: %w", err)
	}
	secret := tokenPrefix + randomToken()
	t := APIToken{AgentID: a.ID, AgentEmail: a.Email, Name: strings.TrimSpace(name), Scope: scope}
	err = s.pool.QueryRow(ctx, `INSERT INTO api_tokens (agent_id, name, token_hash, scope) VALUES ($1, $2, $3, $4)
		RETURNING id, created_at`, a.ID, t.Name, hashID(secret), string(scope)).Scan(&t.ID, &t.CreatedAt)
	if err != nil {
		return "", nil, fmt.Errorf("create token: %w", err)
	}
	return secret, &t, nil
}

const tokenColumns = `t.id, t.agent_id, a.email, t.name, t.scope, t.created_at, t.last_used_at, t.revoked_at
	FROM api_tokens t JOIN agents a ON a.id = t.agent_id`

// APITokens lists the tokens of the agent with the address (all agents' when
// empty), newest first.
func (s *Store) APITokens(ctx context.Context, agentEmail string) ([]APIToken, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+tokenColumns+` WHERE $1 = '' OR a.email = lower($1)
		ORDER BY t.id DESC`, agentEmail)
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	return pgx.CollectRows(rows, scanToken)
}

func scanToken(r pgx.CollectableRow) (APIToken, error) {
	var t APIToken
	var scope string
	err := r.Scan(&t.ID, &t.AgentID, &t.AgentEmail, &t.Name, &scope, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt)
	t.Scope = Scope(scope)
	return t, err
}

// RevokeAPIToken revokes the token with the id, when it is agentID's (any
// agent's for 0); it stops working at once.
func (s *Store) RevokeAPIToken(ctx context.Context, agentID, id int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = now()
		WHERE id = $1 AND revoked_at IS NULL AND ($2 = 0 OR agent_id = $2)`, id, agentID)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("revoke token %d: %w", id, ErrNotFound)
	}
	return nil
}

// APITokenBySecret returns the live token with the secret and records its
// use; ErrTokenInvalid for an unknown or revoked token or a disabled agent.
func (s *Store) APITokenBySecret(ctx context.Context, secret string) (*APIToken, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return nil, ErrTokenInvalid
	}
	rows, err := s.pool.Query(ctx, `WITH used AS (
			UPDATE api_tokens SET last_used_at = now() WHERE token_hash = $1 AND revoked_at IS NULL
			AND agent_id IN (SELECT id FROM agents WHERE NOT disabled) RETURNING *)
		SELECT `+strings.Replace(tokenColumns, "api_tokens t", "used t", 1), hashID(secret))
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	t, err := pgx.CollectExactlyOneRow(rows, scanToken)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrTokenInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	return &t, nil
}
