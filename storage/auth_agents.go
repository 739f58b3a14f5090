package storage

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"inboxdesk/auth"
)

const authAgentColumns = `id, email, name, role, disabled, password_hash <> '', created_at`

func scanAuthAgent(r pgx.Row) (*auth.Agent, error) {
	var a auth.Agent
	err := r.Scan(&a.ID, &a.Email, &a.Name, &a.Role, &a.Disabled, &a.HasPassword, &a.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, auth.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	return &a, nil
}

// InsertAgent adds an agent; role "" picks admin for a team without an
// enabled admin, in the insert itself.
func (s *SignIn) InsertAgent(ctx context.Context, email, name, passwordHash string, role auth.AgentRole) (*auth.Agent, error) {
	a, err := scanAuthAgent(s.db.QueryRow(ctx, `INSERT INTO agents (email, name, password_hash, role)
		VALUES ($1, $2, $3, CASE WHEN $4 <> '' THEN $4
			WHEN EXISTS (SELECT 1 FROM agents WHERE role = 'admin' AND NOT disabled) THEN 'agent' ELSE 'admin' END)
		RETURNING `+authAgentColumns, email, name, passwordHash, string(role)))
	if uniqueViolation(err) {
		return nil, auth.ErrAgentExists
	}
	return a, err
}

// AgentByEmail returns the agent with the address.
func (s *SignIn) AgentByEmail(ctx context.Context, email string) (*auth.Agent, error) {
	return scanAuthAgent(s.db.QueryRow(ctx, `SELECT `+authAgentColumns+` FROM agents WHERE email = lower(trim($1))`, email))
}

// AgentByID returns the agent with the id.
func (s *SignIn) AgentByID(ctx context.Context, id int64) (*auth.Agent, error) {
	return scanAuthAgent(s.db.QueryRow(ctx, `SELECT `+authAgentColumns+` FROM agents WHERE id = $1`, id))
}

// AgentPassword returns the agent's id, password hash and state.
func (s *SignIn) AgentPassword(ctx context.Context, email string) (*auth.AgentPassword, error) {
	var p auth.AgentPassword
	err := s.db.QueryRow(ctx, `SELECT id, password_hash, disabled FROM agents WHERE email = $1`, email).
		Scan(&p.ID, &p.Hash, &p.Disabled)
	if err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

// UpdateAgentByEmail applies c to the agent with the address.
func (s *SignIn) UpdateAgentByEmail(ctx context.Context, email string, c auth.AgentChange) (*auth.Agent, error) {
	return s.updateAgent(ctx, `email = lower(trim($1))`, email, c)
}

// UpdateAgentByID applies c to the agent with the id.
func (s *SignIn) UpdateAgentByID(ctx context.Context, id int64, c auth.AgentChange) (*auth.Agent, error) {
	return s.updateAgent(ctx, `id = $1`, id, c)
}

func (s *SignIn) updateAgent(ctx context.Context, where string, key any, c auth.AgentChange) (*auth.Agent, error) {
	var role *string
	if c.Role != nil {
		r := string(*c.Role)
		role = &r
	}
	return scanAuthAgent(s.db.QueryRow(ctx, `UPDATE agents SET password_hash = coalesce($2, password_hash),
		disabled = coalesce($3, disabled), role = coalesce($4, role) WHERE `+where+` RETURNING `+authAgentColumns,
		key, c.PasswordHash, c.Disabled, role))
}

// LockAdmins locks the admins' rows: two admins demoting each other at
// once must not both pass.
func (s *SignIn) LockAdmins(ctx context.Context) error {
	if _, err := s.db.Exec(ctx, `SELECT id FROM agents WHERE role = 'admin' ORDER BY id FOR UPDATE`); err != nil {
		return fmt.Errorf("lock admins: %w", err)
	}
	return nil
}

// HasEnabledAdmin reports whether the team has an enabled admin.
func (s *SignIn) HasEnabledAdmin(ctx context.Context) (bool, error) {
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM agents WHERE role = 'admin' AND NOT disabled)`).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("find admins: %w", err)
	}
	return ok, nil
}

// ListAgents returns every agent, enabled ones first, then by address.
func (s *SignIn) ListAgents(ctx context.Context) ([]auth.Agent, error) {
	rows, err := s.db.Query(ctx, `SELECT `+authAgentColumns+` FROM agents ORDER BY disabled, email`)
	if err != nil {
		return nil, fmt.Errorf("list agents: %w", err)
	}
	agents, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (auth.Agent, error) {
		a, err := scanAuthAgent(r)
		if err != nil {
			return auth.Agent{}, err
		}
		return *a, nil
	})
	if err != nil {
		return nil, fmt.Errorf("list agents: %w", err)
	}
	return agents, nil
}
