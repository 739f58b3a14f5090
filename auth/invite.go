package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Errors of invitations; test with errors.Is.
var (
	ErrInviteUsed     = errors.New("auth: invitation already used")
	ErrInviteExpired  = errors.New("auth: invitation expired or replaced by a newer one")
	ErrInviteDisabled = errors.New("auth: the invited agent is disabled")
)

// Invite is an invitation to set an agent's password, sent (as a signed
// link) to the agent's address only.
type Invite struct {
	ID        int64
	AgentID   int64
	Email     string // the agent's address: the link and its code go there
	Name      string
	ExpiresAt time.Time
}

// CreateInvite makes a new invitation for the agent, valid for ttl, and
// ends the agent's earlier invitations: only the newest one works. by is
// the admin who invites (0 for none).
func (s *Store) CreateInvite(ctx context.Context, agentID, by int64, ttl time.Duration) (*Invite, error) {
	now := s.now()
	inv := Invite{AgentID: agentID, ExpiresAt: now.Add(ttl).Truncate(time.Second)}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT email, name FROM agents WHERE id = $1 FOR UPDATE`, agentID).Scan(&inv.Email, &inv.Name)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE agent_invites SET expires_at = $2
			WHERE agent_id = $1 AND used_at IS NULL AND expires_at > $2`, agentID, now); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO agent_invites (agent_id, invited_by, created_at, expires_at)
			VALUES ($1, NULLIF($2, 0), $3, $4) RETURNING id`, agentID, by, now, inv.ExpiresAt).Scan(&inv.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("create invite: %w", err)
	}
	return &inv, nil
}

// InviteByID returns the invitation if it can still be accepted: a used
// one gives ErrInviteUsed, an expired or replaced one ErrInviteExpired, one
// of a disabled agent ErrInviteDisabled, none ErrNotFound.
func (s *Store) InviteByID(ctx context.Context, id int64) (*Invite, error) {
	return s.usableInvite(ctx, s.pool, id, "")
}

// AcceptInvite sets the invited agent's password with the invitation id,
// for the address email only, and uses the invitation up: the same link or
// code never sets a password twice. It ends the agent's other sessions and
// returns the agent. The errors are InviteByID's and ErrWeakPassword.
func (s *Store) AcceptInvite(ctx context.Context, id int64, email, password string) (*Agent, error) {
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	var a *Agent
	err = s.tx(ctx, func(tx pgx.Tx) error {
		inv, err := s.usableInvite(ctx, tx, id, "FOR UPDATE OF i")
		if err != nil {
			return err
		}
		if !sameEmail(inv.Email, email) {
			return ErrNotFound
		}
		if _, err := tx.Exec(ctx, `UPDATE agent_invites SET used_at = $2 WHERE id = $1`, id, s.now()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE agent_id = $1`, inv.AgentID); err != nil {
			return err
		}
		a, err = scanAgent(tx.QueryRow(ctx, `UPDATE agents SET password_hash = $2 WHERE id = $1 RETURNING `+agentColumns,
			inv.AgentID, hash))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("accept invite: %w", err)
	}
	return a, nil
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (s *Store) usableInvite(ctx context.Context, q querier, id int64, lock string) (*Invite, error) {
	var inv Invite
	var used *time.Time
	var disabled bool
	err := q.QueryRow(ctx, `SELECT i.id, i.agent_id, a.email, a.name, i.expires_at, i.used_at, a.disabled
		FROM agent_invites i JOIN agents a ON a.id = i.agent_id WHERE i.id = $1 `+lock, id).Scan(
		&inv.ID, &inv.AgentID, &inv.Email, &inv.Name, &inv.ExpiresAt, &used, &disabled)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, ErrNotFound
	case err != nil:
		return nil, fmt.Errorf("invite: %w", err)
	case used != nil:
		return nil, ErrInviteUsed
	case !s.now().Before(inv.ExpiresAt):
		return nil, ErrInviteExpired
	case disabled:
		return nil, ErrInviteDisabled
	}
	return &inv, nil
}

func sameEmail(a, b string) bool {
	na, err1 := NormalizeEmail(a)
	nb, err2 := NormalizeEmail(b)
	return err1 == nil && err2 == nil && na == nb
}
