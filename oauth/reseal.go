package oauth

import (
	"context"
	"fmt"
)

// Reseal seals every grant secret kept in clear (from before keys were
// set) or under an older key with the first key, in one transaction, and
// returns how many grants it changed. Without keys it changes nothing, and
// fails with secrets.ErrNoKey if any secret is sealed.
func (s *Store) Reseal(ctx context.Context) (int, error) {
	n := 0
	err := s.rows.AllLocked(ctx, func(g *Grant) (bool, error) {
		if s.opts.Keys.Current(g.ClientSecret) && s.opts.Keys.Current(g.RefreshToken) && s.opts.Keys.Current(g.AccessToken) {
			return false, nil
		}
		if err := s.open(g); err != nil {
			return false, err
		}
		if err := s.sealInPlace(g); err != nil {
			return false, err
		}
		n++
		return true, nil
	})
	if err != nil {
		return 0, fmt.Errorf("seal oauth grants: %w", err)
	}
	return n, nil
}
