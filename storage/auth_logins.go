package storage

import (
	"context"
	"fmt"
	"time"

	"inboxdesk/auth"
)

// LoginFailures counts the failed sign-ins after since by client, by
// (address, client), by address and by device, and says whether the device
// has signed in as the agent with the address.
func (s *SignIn) LoginFailures(ctx context.Context, email, ip string, deviceHash []byte, since time.Time) (auth.LoginCounts, error) {
	var c auth.LoginCounts
	err := s.db.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM login_failures WHERE ip = $2 AND created_at > $3),
		(SELECT count(*) FROM login_failures WHERE email = $1 AND ip = $2 AND created_at > $3),
		(SELECT max(created_at) FROM login_failures WHERE email = $1 AND ip = $2 AND created_at > $3),
		(SELECT count(*) FROM login_failures WHERE email = $1 AND created_at > $3),
		(SELECT max(created_at) FROM login_failures WHERE email = $1 AND created_at > $3),
		(SELECT count(*) FROM login_failures WHERE device_hash = $4 AND created_at > $3),
		EXISTS (SELECT 1 FROM agent_devices d JOIN agents a ON a.id = d.agent_id
			WHERE d.token_hash = $4 AND a.email = $1)`,
		email, ip, since, deviceHash).
		Scan(&c.ByIP, &c.ByPair, &c.LastPair, &c.ByEmail, &c.LastEmail, &c.ByDevice, &c.KnownDevice)
	if err != nil {
		return c, fmt.Errorf("count failed sign-ins: %w", err)
	}
	return c, nil
}

// InsertLoginFailure records a failed sign-in.
func (s *SignIn) InsertLoginFailure(ctx context.Context, email, ip string, deviceHash []byte, at time.Time) error {
	_, err := s.db.Exec(ctx, `INSERT INTO login_failures (email, ip, device_hash, created_at) VALUES ($1, $2, $3, $4)`,
		email, ip, deviceHash, at)
	if err != nil {
		return fmt.Errorf("record failed sign-in: %w", err)
	}
	return nil
}

// ClearLoginFailures forgets the address's failures from the client or device.
func (s *SignIn) ClearLoginFailures(ctx context.Context, email, ip string, deviceHash []byte) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM login_failures WHERE email = $1 AND (ip = $2 OR device_hash = $3)`,
		email, ip, deviceHash); err != nil {
		return fmt.Errorf("clear failed sign-ins: %w", err)
	}
	return nil
}

// TouchDevice marks the agent's device used; false when it is not the agent's.
func (s *SignIn) TouchDevice(ctx context.Context, deviceHash []byte, agentID int64, at time.Time) (bool, error) {
	tag, err := s.db.Exec(ctx, `UPDATE agent_devices SET last_used_at = $3 WHERE token_hash = $1 AND agent_id = $2`,
		deviceHash, agentID, at)
	if err != nil {
		return false, fmt.Errorf("touch device: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// InsertDevice records a device the agent signed in from.
func (s *SignIn) InsertDevice(ctx context.Context, deviceHash []byte, agentID int64, at time.Time) error {
	_, err := s.db.Exec(ctx, `INSERT INTO agent_devices (token_hash, agent_id, created_at, last_used_at)
		VALUES ($1, $2, $3, $3)`, deviceHash, agentID, at)
	if err != nil {
		return fmt.Errorf("add device: %w", err)
	}
	return nil
}
