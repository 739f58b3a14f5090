package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
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
	if err := s.db.InsertAPIToken(ctx, &t, hashID(secret)); err != nil {
		return "", nil, fmt.Errorf("create token: %w", err)
	}
	return secret, &t, nil
}

// APITokens lists the tokens of the agent with the address (all agents' when
// empty), newest first.
func (s *Store) APITokens(ctx context.Context, agentEmail string) ([]APIToken, error) {
	return s.db.APITokens(ctx, agentEmail)
}

// RevokeAPIToken revokes the token with the id, when it is agentID's (any
// agent's for 0); it stops working at once.
func (s *Store) RevokeAPIToken(ctx context.Context, agentID, id int64) error {
	err := s.db.RevokeAPIToken(ctx, agentID, id)
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("revoke token %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return nil
}

// APITokenBySecret returns the live token with the secret and records its
// use; ErrTokenInvalid for an unknown or revoked token or a disabled agent.
func (s *Store) APITokenBySecret(ctx context.Context, secret string) (*APIToken, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return nil, ErrTokenInvalid
	}
	t, err := s.db.UseAPIToken(ctx, hashID(secret))
	if errors.Is(err, ErrNotFound) {
		return nil, ErrTokenInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	return t, nil
}
