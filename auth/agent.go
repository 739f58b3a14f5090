package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Agent is a member of the support team.
type Agent struct {
	ID          int64
	Email       string
	Name        string
	Disabled    bool
	HasPassword bool // false until a password is set: such an agent cannot sign in
	CreatedAt   time.Time
}

const agentColumns = `id, email, name, disabled, password_hash <> '', created_at`

func scanAgent(r pgx.Row) (*Agent, error) {
	var a Agent
	err := r.Scan(&a.ID, &a.Email, &a.Name, &a.Disabled, &a.HasPassword, &a.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	return &a, nil
}

// CreateAgent adds an agent. password may be "" to set it later (SetPassword);
// otherwise it must satisfy the length rule (ErrWeakPassword). An address
// already in use gives ErrAgentExists.
func (s *Store) CreateAgent(ctx context.Context, email, name, password string) (*Agent, error) {
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
	a, err := scanAgent(s.pool.QueryRow(ctx, `INSERT INTO agents (email, name, password_hash) VALUES ($1, $2, $3)
		RETURNING `+agentColumns, email, name, hash))
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
// account stays, so their replies keep their author.
func (s *Store) DisableAgent(ctx context.Context, email string) error {
	return s.changeAgent(ctx, `UPDATE agents SET disabled = true WHERE email = lower(trim($1)) RETURNING id`, email)
}

// EnableAgent lets a disabled agent sign in again (with their password as it
// was, or as set since).
func (s *Store) EnableAgent(ctx context.Context, email string) error {
	return s.changeAgent(ctx, `UPDATE agents SET disabled = false WHERE email = lower(trim($1)) RETURNING id`, email)
}

// changeAgent runs an update of one agent that returns its id, and ends the
// agent's sessions in the same transaction. No such agent gives ErrNotFound.
func (s *Store) changeAgent(ctx context.Context, sql string, args ...any) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
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
	})
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
