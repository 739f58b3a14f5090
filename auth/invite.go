package auth

import (
	"context"
	"errors"
	"fmt"
	"time"
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
	inv, err := s.db.ReplaceInvite(ctx, agentID, by, now, now.Add(ttl).Truncate(time.Second))
	if err != nil {
		return nil, fmt.Errorf("create invite: %w", err)
	}
	return inv, nil
}

// InviteByID returns the invitation if it can still be accepted: a used
// one gives ErrInviteUsed, an expired or replaced one ErrInviteExpired, one
// of a disabled agent ErrInviteDisabled, none ErrNotFound.
func (s *Store) InviteByID(ctx context.Context, id int64) (*Invite, error) {
	return s.usable(s.db.Invite(ctx, id))
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
	err = s.db.InTx(ctx, func(db Keeper) error {
		inv, err := s.usable(db.LockInvite(ctx, id))
		if err != nil {
			return err
		}
		if !sameEmail(inv.Email, email) {
			return ErrNotFound
		}
		if err := db.UseInvite(ctx, id, s.now()); err != nil {
			return err
		}
		if err := db.DeleteAgentSessions(ctx, inv.AgentID); err != nil {
			return err
		}
		a, err = db.UpdateAgentByID(ctx, inv.AgentID, AgentChange{PasswordHash: &hash})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("accept invite: %w", err)
	}
	return a, nil
}

// usable is the invitation if it can still be accepted, else why not.
func (s *Store) usable(inv *StoredInvite, err error) (*Invite, error) {
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, ErrNotFound
	case err != nil:
		return nil, fmt.Errorf("invite: %w", err)
	case inv.UsedAt != nil:
		return nil, ErrInviteUsed
	case !s.now().Before(inv.ExpiresAt):
		return nil, ErrInviteExpired
	case inv.AgentDisabled:
		return nil, ErrInviteDisabled
	}
	return &inv.Invite, nil
}

func sameEmail(a, b string) bool {
	na, err1 := NormalizeEmail(a)
	nb, err2 := NormalizeEmail(b)
	return err1 == nil && err2 == nil && na == nb
}
