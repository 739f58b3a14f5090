package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// AgentRole is what an agent may do: an admin also manages the team.
type AgentRole string

const (
	AgentRoleAdmin AgentRole = "admin"
	AgentRoleAgent AgentRole = "agent"
)

// ParseAgentRole reads "admin" or "agent"; anything else gives ErrBadRole.
func ParseAgentRole(s string) (AgentRole, error) {
	switch r := AgentRole(strings.ToLower(strings.TrimSpace(s))); r {
	case AgentRoleAdmin, AgentRoleAgent:
		return r, nil
	}
	return "", ErrBadRole
}

// Agent is a member of the support team.
type Agent struct {
	ID          int64
	Email       string
	Name        string
	Role        AgentRole
	Disabled    bool
	HasPassword bool // false until a password is set: such an agent cannot sign in
	CreatedAt   time.Time
}

// CreateAgent adds an agent with the role agent. password may be "" to set
// it later (SetPassword); otherwise it must satisfy the length rule
// (ErrWeakPassword). An address already in use gives ErrAgentExists.
func (s *Store) CreateAgent(ctx context.Context, email, name, password string) (*Agent, error) {
	return s.CreateAgentAs(ctx, AgentRoleAgent, email, name, password)
}

// CreateAgentAs adds an agent with role, as CreateAgent. Role "" makes the
// agent an admin when the team has no enabled admin yet (the first agent of
// a new install), else an agent.
func (s *Store) CreateAgentAs(ctx context.Context, role AgentRole, email, name, password string) (*Agent, error) {
	if role != "" {
		if _, err := ParseAgentRole(string(role)); err != nil {
			return nil, err
		}
	}
	email, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	hash := ""
	if password != "" {
		if hash, err = HashPassword(password); err != nil {
			return nil, err
		}
	}
	return s.db.InsertAgent(ctx, email, name, hash, role)
}

// SetPassword sets an agent's password and signs them out everywhere.
func (s *Store) SetPassword(ctx context.Context, email, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.changeAgent(ctx, email, AgentChange{PasswordHash: &hash})
}

// AgentByEmail returns the agent with the address, or ErrNotFound.
func (s *Store) AgentByEmail(ctx context.Context, email string) (*Agent, error) {
	return s.db.AgentByEmail(ctx, email)
}

// AgentByID returns the agent with the id, or ErrNotFound.
func (s *Store) AgentByID(ctx context.Context, id int64) (*Agent, error) {
	return s.db.AgentByID(ctx, id)
}

// DisableAgent stops an agent from signing in and ends their sessions. The
// account stays, so their replies keep their author. The last enabled admin
// cannot be disabled (ErrLastAdmin): nobody could manage the team then.
func (s *Store) DisableAgent(ctx context.Context, email string) error {
	disabled := true
	return s.changeAdmins(ctx, email, AgentChange{Disabled: &disabled})
}

// SetAgentRole gives the agent with the address role. It ends the agent's
// sessions, so the new role holds at once. Demoting the last enabled admin
// gives ErrLastAdmin.
func (s *Store) SetAgentRole(ctx context.Context, email string, role AgentRole) error {
	if _, err := ParseAgentRole(string(role)); err != nil {
		return err
	}
	return s.changeAdmins(ctx, email, AgentChange{Role: &role})
}

// ResetAgent clears the agent's password and ends their sessions: they sign
// in again only after setting a new one (through an invitation or the CLI).
func (s *Store) ResetAgent(ctx context.Context, email string) error {
	none := ""
	return s.changeAgent(ctx, email, AgentChange{PasswordHash: &none})
}

// changeAdmins is changeAgent for a change that may take away an admin:
// the admins are locked for the transaction and, when the change leaves a
// team that had an enabled admin with none, it is undone with ErrLastAdmin.
func (s *Store) changeAdmins(ctx context.Context, email string, c AgentChange) error {
	return s.db.InTx(ctx, func(db Keeper) error {
		// Two admins demoting each other at once must not both pass.
		if err := db.LockAdmins(ctx); err != nil {
			return err
		}
		had, err := db.HasEnabledAdmin(ctx)
		if err != nil {
			return err
		}
		if err := changeAgentTx(ctx, db, email, c); err != nil {
			return err
		}
		if has, err := db.HasEnabledAdmin(ctx); err != nil || (had && !has) {
			return errors.Join(err, ErrLastAdmin)
		}
		return nil
	})
}

// EnableAgent lets a disabled agent sign in again (with their password as it
// was, or as set since).
func (s *Store) EnableAgent(ctx context.Context, email string) error {
	disabled := false
	return s.changeAgent(ctx, email, AgentChange{Disabled: &disabled})
}

// changeAgent applies c to the agent with the address and ends the
// agent's sessions in the same transaction. No such agent gives ErrNotFound.
func (s *Store) changeAgent(ctx context.Context, email string, c AgentChange) error {
	return s.db.InTx(ctx, func(db Keeper) error { return changeAgentTx(ctx, db, email, c) })
}

func changeAgentTx(ctx context.Context, db Keeper, email string, c AgentChange) error {
	a, err := db.UpdateAgentByEmail(ctx, email, c)
	if errors.Is(err, ErrNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("change agent: %w", err)
	}
	return db.DeleteAgentSessions(ctx, a.ID)
}

// ListAgents returns every agent, enabled ones first, then by address.
func (s *Store) ListAgents(ctx context.Context) ([]Agent, error) {
	return s.db.ListAgents(ctx)
}
