package storage

import (
	"context"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/ticket"
)

// VAPIDKeys returns the stored key pair, storing generate's when there is
// none yet. Replicas starting together agree on one pair (the first insert
// wins; the others' fresh pairs are dropped).
func (s *Store) VAPIDKeys(ctx context.Context, generate func() (ticket.VAPIDKeyPair, error)) (ticket.VAPIDKeyPair, error) {
	var k ticket.VAPIDKeyPair
	fresh, err := generate()
	if err != nil {
		return k, fmt.Errorf("vapid keys: %w", err)
	}
	err = s.pool.QueryRow(ctx, `
		WITH ins AS (
			INSERT INTO vapid_keys (public_key, private_key) VALUES ($1, $2)
			ON CONFLICT (id) DO NOTHING RETURNING public_key, private_key)
		SELECT public_key, private_key FROM ins
		UNION ALL SELECT public_key, private_key FROM vapid_keys
		LIMIT 1`, fresh.Public, fresh.Private).Scan(&k.Public, &k.Private)
	if errors.Is(err, pgx.ErrNoRows) {
		// Another replica's insert committed after this statement's snapshot.
		err = s.pool.QueryRow(ctx, `SELECT public_key, private_key FROM vapid_keys`).Scan(&k.Public, &k.Private)
	}
	if err != nil {
		return k, fmt.Errorf("vapid keys: %w", err)
	}
	return k, nil
}
