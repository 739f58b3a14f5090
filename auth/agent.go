package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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

const agentColumns = `id, email, name, role, disabled, password_hash <> '', created_at`

func scanAgent(r pgx.Row) (*Agent, error) {
	var a Agent
	err := r.Scan(&a.ID, &a.Email, &a.Name, &a.Role, &a.Disabled, &a.HasPassword, &a.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	return &a, nil
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
	a, err := scanAgent(s.pool.QueryRow(ctx, `INSERT INTO agents (email, name, password_hash, role)
		VALUES ($1, $2, $3, CASE WHEN $4 <> '' THEN $4
			WHEN EXISTS (SELECT 1 FROM agents WHERE role = 'admin' AND NOT disabled) THEN 'agent' ELSE 'admin' END)
		RETURNING `+agentColumns, email, name, hash, string(role)))
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return nil, ErrAgentExists
	}
	return a, err
}

// SetPassword sets an agent's password and signs them out everywhere.
func (s *Store) SetPassword(ctx context.Context, email, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.changeAgent(ctx, `UPDATE agents SET password_hash = $2 WHERE email = lower(trim($1)) RETURNING id`,
		email, hash)
}

// AgentByEmail returns the agent with the address, or ErrNotFound.
func (s *Store) AgentByEmail(ctx context.Context, email string) (*Agent, error) {
	return scanAgent(s.pool.QueryRow(ctx, `SELECT `+agentColumns+` FROM agents WHERE email = lower(trim($1))`, email))
}

// AgentByID returns the agent with the id, or ErrNotFound.
func (s *Store) AgentByID(ctx context.Context, id int64) (*Agent, error) {
	return scanAgent(s.pool.QueryRow(ctx, `SELECT `+agentColumns+` FROM agents WHERE id = $1`, id))
}

// DisableAgent stops an agent from signing in and ends their sessions. The
// account stays, so their replies keep their author. The last enabled admin
// cannot be disabled (ErrLastAdmin): nobody could manage the team then.
func (s *Store) DisableAgent(ctx context.Context, email string) error {
	return s.changeAdmins(ctx, `UPDATE agents SET disabled = true WHERE email = lower(trim($1)) RETURNING id`, email)
}

// SetAgentRole gives the agent with the address role. It ends the agent's
// sessions, so the new role holds at once. Demoting the last enabled admin
// gives ErrLastAdmin.
func (s *Store) SetAgentRole(ctx context.Context, email string, role AgentRole) error {
	if _, err := ParseAgentRole(string(role)); err != nil {
		return err
	}
	return s.changeAdmins(ctx, `UPDATE agents SET role = $2 WHERE email = lower(trim($1)) RETURNING id`, email, string(role))
}

// ResetAgent clears the agent's password and ends their sessions: they sign
// in again only after setting a new one (through an invitation or the CLI).
func (s *Store) ResetAgent(ctx context.Context, email string) error {
	return s.changeAgent(ctx, `UPDATE agents SET password_hash = '' WHERE email = lower(trim($1)) RETURNING id`, email)
}

// changeAdmins is changeAgent for a change that may take away an admin:
// the admins are locked for the transaction and, when the change leaves a
// team that had an enabled admin with none, it is undone with ErrLastAdmin.
func (s *Store) changeAdmins(ctx context.Context, sql string, args ...any) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		// Two admins demoting each other at once must not both pass.
		if _, err := tx.Exec(ctx, `SELECT id FROM agents WHERE role = 'admin' ORDER BY id FOR UPDATE`); err != nil {
			return fmt.Errorf("lock admins: %w", err)
		}
		had, err := enabledAdmin(ctx, tx)
		if err != nil {
			return err
		}
		if err := changeAgentTx(ctx, tx, sql, args...); err != nil {
			return err
		}
		if has, err := enabledAdmin(ctx, tx); err != nil || (had && !has) {
			return errors.Join(err, ErrLastAdmin)
		}
		return nil
	})
}

func enabledAdmin(ctx context.Context, tx pgx.Tx) (bool, error) {
	var ok bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM agents WHERE role = 'admin' AND NOT disabled)`).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("find admins: %w", err)
	}
	return ok, nil
}

// EnableAgent lets a disabled agent sign in again (with their password as it
// was, or as set since).
func (s *Store) EnableAgent(ctx context.Context, email string) error {
	return s.changeAgent(ctx, `UPDATE agents SET disabled = false WHERE email = lower(trim($1)) RETURNING id`, email)
}

// changeAgent runs an update of one agent that returns its id, and ends the
// agent's sessions in the same transaction. No such agent gives ErrNotFound.
func (s *Store) changeAgent(ctx context.Context, sql string, args ...any) error {
	return s.tx(ctx, func(tx pgx.Tx) error { return changeAgentTx(ctx, tx, sql, args...) })
}

func changeAgentTx(ctx context.Context, tx pgx.Tx, sql string, args ...any) error {
	var id int64
	err := tx.QueryRow(ctx, sql, args...).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("change agent: %w", err)
	}
	_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE agent_id = $1`, id)
	return err
}

// ListAgents returns every agent, enabled ones first, then by address.
func (s *Store) ListAgents(ctx context.Context) ([]Agent, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+agentColumns+` FROM agents ORDER BY disabled, email`)
	if err != nil {
		return nil, fmt.Errorf("list agents: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Agent, error) {
		a, err := scanAgent(r)
		if err != nil {
			return Agent{}, err
		}
		return *a, nil
	})
}
