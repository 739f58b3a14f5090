package oauth

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Reseal seals every grant secret kept in clear (from before keys were
// set) or under an older key with the first key, in one transaction, and
// returns how many grants it changed. Without keys it changes nothing, and
// fails with secrets.ErrNoKey if any secret is sealed.
func (s *Store) Reseal(ctx context.Context) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+grantColumns+` FROM oauth_grants ORDER BY name FOR UPDATE`)
		if err != nil {
			return err
		}
		gs, err := pgx.CollectRows(rows, scanGrant)
		if err != nil {
			return err
		}
		for i := range gs {
			g := &gs[i]
			if s.opts.Keys.Current(g.ClientSecret) && s.opts.Keys.Current(g.RefreshToken) && s.opts.Keys.Current(g.AccessToken) {
				continue
			}
			if err := s.open(g); err != nil {
				return err
			}
			if err := s.update(ctx, tx, g); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("seal oauth grants: %w", err)
	}
	return n, nil
}
