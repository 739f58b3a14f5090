package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/oauth"
)

// OAuthGrants keeps the rows of the OAuth2 grants (oauth.Keeper). It
// stores the secrets as it is given them: oauth seals them before and
// opens them after.
type OAuthGrants struct{ pool *pgxpool.Pool }

var _ oauth.Keeper = (*OAuthGrants)(nil)

// NewOAuthGrants returns the grant rows over pool.
func NewOAuthGrants(pool *pgxpool.Pool) *OAuthGrants { return &OAuthGrants{pool: pool} }

const grantColumns = `name, provider, client_id, client_secret, tenant, scopes, device_url, auth_url, token_url,
	refresh_token, access_token, access_expiry, refreshed_at, last_error, broken, failures, retry_at`

// Insert stores a new grant, refreshed now and without failures; a grant
// of the same name gives oauth.ErrGrantExists.
func (s *OAuthGrants) Insert(ctx context.Context, g *oauth.Grant) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO oauth_grants (`+grantColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now(), '', false, 0, NULL)`,
		g.Name, g.Provider, g.ClientID, g.ClientSecret, g.Tenant, g.Scopes, g.DeviceURL, g.AuthURL, g.TokenURL,
		g.RefreshToken, g.AccessToken, nullable(g.UseUntil))
	if uniqueViolation(err) {
		return oauth.ErrGrantExists
	}
	if err != nil {
		return fmt.Errorf("add grant: %w", err)
	}
	return nil
}

// Delete removes the grant; none of that name gives oauth.ErrNotFound.
func (s *OAuthGrants) Delete(ctx context.Context, name string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM oauth_grants WHERE name = $1`, name)
	if err != nil {
		return fmt.Errorf("remove grant: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return oauth.ErrNotFound
	}
	return nil
}

// All returns every grant by name.
func (s *OAuthGrants) All(ctx context.Context) ([]oauth.Grant, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+grantColumns+` FROM oauth_grants ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("grants: %w", err)
	}
	gs, err := pgx.CollectRows(rows, scanGrant)
	if err != nil {
		return nil, fmt.Errorf("grants: %w", err)
	}
	return gs, nil
}

// ByName returns the grant of that name, or oauth.ErrNotFound.
func (s *OAuthGrants) ByName(ctx context.Context, name string) (*oauth.Grant, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+grantColumns+` FROM oauth_grants WHERE name = $1`, name)
	if err != nil {
		return nil, fmt.Errorf("grant: %w", err)
	}
	return collectGrant(rows)
}

// Exists reports whether a grant of that name exists.
func (s *OAuthGrants) Exists(ctx context.Context, name string) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM oauth_grants WHERE name = $1)`, name).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("grant: %w", err)
	}
	return ok, nil
}

// Locked reads the grant FOR UPDATE and hands it to change; when change
// says so, what it left in the grant is written in the same transaction.
// Callers on the same grant, in any process, run one after the other: a
// refresh that rotates the refresh token saves it before the next caller
// reads it, so none presents a dead one. No such grant gives
// oauth.ErrNotFound.
func (s *OAuthGrants) Locked(ctx context.Context, name string, change func(*oauth.Grant) (bool, error)) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+grantColumns+` FROM oauth_grants WHERE name = $1 FOR UPDATE`, name)
		if err != nil {
			return fmt.Errorf("lock grant: %w", err)
		}
		g, err := collectGrant(rows)
		if err != nil {
			return err
		}
		return changeGrant(ctx, tx, g, change)
	})
}

// AllLocked is Locked for every grant, in one transaction.
func (s *OAuthGrants) AllLocked(ctx context.Context, change func(*oauth.Grant) (bool, error)) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+grantColumns+` FROM oauth_grants ORDER BY name FOR UPDATE`)
		if err != nil {
			return err
		}
		gs, err := pgx.CollectRows(rows, scanGrant)
		if err != nil {
			return err
		}
		for i := range gs {
			if err := changeGrant(ctx, tx, &gs[i], change); err != nil {
				return err
			}
		}
		return nil
	})
}

func changeGrant(ctx context.Context, tx pgx.Tx, g *oauth.Grant, change func(*oauth.Grant) (bool, error)) error {
	save, err := change(g)
	if err != nil || !save {
		return err
	}
	return updateGrant(ctx, tx, g)
}

// updateGrant writes every mutable field of g in tx.
func updateGrant(ctx context.Context, tx pgx.Tx, g *oauth.Grant) error {
	_, err := tx.Exec(ctx, `UPDATE oauth_grants SET refresh_token = $2, access_token = $3, access_expiry = $4,
			refreshed_at = $5, last_error = $6, broken = $7, failures = $8, retry_at = $9, client_secret = $10
		WHERE name = $1`, g.Name, g.RefreshToken, g.AccessToken, nullable(g.UseUntil),
		nullable(g.RefreshedAt), g.LastError, g.Broken, g.Failures, nullable(g.RetryAt), g.ClientSecret)
	if err != nil {
		return fmt.Errorf("save grant: %w", err)
	}
	return nil
}

func collectGrant(rows pgx.Rows) (*oauth.Grant, error) {
	g, err := pgx.CollectExactlyOneRow(rows, scanGrant)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, oauth.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("grant: %w", err)
	}
	return &g, nil
}

func scanGrant(r pgx.CollectableRow) (oauth.Grant, error) {
	var g oauth.Grant
	var until, refreshed, retry *time.Time
	err := r.Scan(&g.Name, &g.Provider, &g.ClientID, &g.ClientSecret, &g.Tenant, &g.Scopes, &g.DeviceURL, &g.AuthURL,
		&g.TokenURL, &g.RefreshToken, &g.AccessToken, &until, &refreshed, &g.LastError, &g.Broken, &g.Failures, &retry)
	g.UseUntil, g.RefreshedAt, g.RetryAt = nullTime(until), nullTime(refreshed), nullTime(retry)
	return g, err
}

// nullable is t for a nullable column: NULL when zero.
func nullable(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
