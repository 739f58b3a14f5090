package auth

import (
	"context"
	"fmt"
)

// Sweep deletes what can no longer be used: ended sessions, expired codes,
// and send and sign-in records older than their rate-limit windows. Run it
// now and then (any replica; it is idempotent). It returns the rows deleted.
func (s *Store) Sweep(ctx context.Context) (int64, error) {
	now := s.now()
	stmts := []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, []any{now, now.Add(-s.cfg.SessionIdle)}},
		{`DELETE FROM verification_codes WHERE expires_at <= $1`, []any{now}},
		{`DELETE FROM code_sends WHERE created_at <= $1`,
			[]any{now.Add(-max(s.cfg.AddressWindow, s.cfg.AddressTotalWindow, s.cfg.IPWindow))}},
		{`DELETE FROM code_failures WHERE created_at <= $1`, []any{now.Add(-max(codeDay, s.cfg.IPWindow))}},
		{`DELETE FROM login_failures WHERE created_at <= $1`, []any{now.Add(-s.cfg.LoginWindow)}},
		{`DELETE FROM agent_devices WHERE last_used_at <= $1`, []any{now.Add(-s.cfg.DeviceMaxAge)}},
	}
	var total int64
	for _, st := range stmts {
		tag, err := s.pool.Exec(ctx, st.sql, st.args...)
		if err != nil {
			return total, fmt.Errorf("sweep: %w", err)
		}
		total += tag.RowsAffected()
	}
	return total, nil
}
