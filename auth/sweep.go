package auth

import "context"

// Sweep deletes what can no longer be used: ended sessions, expired codes,
// and send and sign-in records older than their rate-limit windows. Run it
// now and then (any replica; it is idempotent). It returns the rows deleted.
func (s *Store) Sweep(ctx context.Context) (int64, error) {
	now := s.now()
	return s.db.Sweep(ctx, SweepCutoffs{
		SessionsExpired: now,
		SessionsIdle:    now.Add(-s.cfg.SessionIdle),
		Codes:           now,
		CodeSends:       now.Add(-max(s.cfg.AddressWindow, s.cfg.AddressTotalWindow, s.cfg.IPWindow)),
		CodeFailures:    now.Add(-max(codeDay, s.cfg.IPWindow)),
		LoginFailures:   now.Add(-s.cfg.LoginWindow),
		Devices:         now.Add(-s.cfg.DeviceMaxAge),
	})
}
