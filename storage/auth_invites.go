package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"inboxdesk/auth"
)

// ReplaceInvite adds an invitation for the agent and ends its open ones,
// in one transaction with the agent's row locked.
func (s *SignIn) ReplaceInvite(ctx context.Context, agentID, by int64, now, expires time.Time) (*auth.Invite, error) {
	inv := auth.Invite{AgentID: agentID, ExpiresAt: expires}
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT email, name FROM agents WHERE id = $1 FOR UPDATE`, agentID).Scan(&inv.Email, &inv.Name)
		if err != nil {
			return notFound(err)
		}
		if _, err := tx.Exec(ctx, `UPDATE agent_invites SET expires_at = $2
			WHERE agent_id = $1 AND used_at IS NULL AND expires_at > $2`, agentID, now); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO agent_invites (agent_id, invited_by, created_at, expires_at)
			VALUES ($1, NULLIF($2, 0), $3, $4) RETURNING id`, agentID, by, now, expires).Scan(&inv.ID)
	})
	if err != nil {
		return nil, err
	}
	return &inv, nil
}

// Invite returns the invitation with its agent's address, name and state.
func (s *SignIn) Invite(ctx context.Context, id int64) (*auth.StoredInvite, error) {
	return s.invite(ctx, id, "")
}

// LockInvite is Invite with the invitation locked for the transaction.
func (s *SignIn) LockInvite(ctx context.Context, id int64) (*auth.StoredInvite, error) {
	return s.invite(ctx, id, "FOR UPDATE OF i")
}

func (s *SignIn) invite(ctx context.Context, id int64, lock string) (*auth.StoredInvite, error) {
	var inv auth.StoredInvite
	err := s.db.QueryRow(ctx, `SELECT i.id, i.agent_id, a.email, a.name, i.expires_at, i.used_at, a.disabled
		FROM agent_invites i JOIN agents a ON a.id = i.agent_id WHERE i.id = $1 `+lock, id).Scan(
		&inv.ID, &inv.AgentID, &inv.Email, &inv.Name, &inv.ExpiresAt, &inv.UsedAt, &inv.AgentDisabled)
	if err != nil {
		return nil, notFound(err)
	}
	return &inv, nil
}

// UseInvite marks the invitation used at at.
func (s *SignIn) UseInvite(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.db.Exec(ctx, `UPDATE agent_invites SET used_at = $2 WHERE id = $1`, id, at); err != nil {
		return fmt.Errorf("use invite: %w", err)
	}
	return nil
}
