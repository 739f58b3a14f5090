package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/secrets"
)

// Grant is one named OAuth2 connection. ClientSecret, RefreshToken and
// AccessToken are secrets: never print or log them.
type Grant struct {
	Name         string
	Provider     string
	ClientID     string
	ClientSecret string
	Tenant       string
	Scopes       []string
	DeviceURL    string // device authorization endpoint: consent with a code typed anywhere
	AuthURL      string // authorization endpoint: consent in a browser sent back to this machine (used when set)
	TokenURL     string
	RefreshToken string
	AccessToken  string
	UseUntil     time.Time // the access token is used until then, refreshed after
	RefreshedAt  time.Time
	LastError    string // why the last refresh failed ("" = it worked)
	Broken       bool   // the provider refused the grant: `oauth renew` it
	Failures     int    // refreshes failed in a row
	RetryAt      time.Time
}

// Errors of the store; test with errors.Is.
var (
	ErrNotFound    = errors.New("oauth: no such grant")
	ErrGrantExists = errors.New("oauth: a grant with that name exists (renew it, or remove it first)")
)

// Observer is told the outcome of every refresh (for metrics); err is nil
// on success, and broken says the provider refused the grant for good.
type Observer func(grant string, err error, broken bool)

// Options tunes a Store; zero fields take defaults.
type Options struct {
	Keys    *secrets.Keyring // seals secrets at rest; nil keeps them in clear
	HTTP    *http.Client     // for token requests (default: 30 s timeout)
	Observe Observer
	Now     func() time.Time
	// MaxBackoff caps the wait after failed refreshes (default 5 min);
	// the first retry waits 5 s, each next one twice as long.
	MaxBackoff time.Duration
}

// Store is the PostgreSQL store of grants.
type Store struct {
	pool *pgxpool.Pool
	opts Options
}

// NewStore returns a store over pool.
func NewStore(pool *pgxpool.Pool, opts Options) *Store {
	if opts.HTTP == nil {
		opts.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 5 * time.Minute
	}
	return &Store{pool: pool, opts: opts}
}

// Purposes the secrets are sealed for (a value sealed for one does not open as another).
const (
	purposeClientSecret = "oauth client secret"
	purposeRefresh      = "oauth refresh token"
	purposeAccess       = "oauth access token"
)

const grantColumns = `name, provider, client_id, client_secret, tenant, scopes, device_url, auth_url, token_url,
	refresh_token, access_token, access_expiry, refreshed_at, last_error, broken, failures, retry_at`

// Add stores a new grant (its first tokens from the device flow).
func (s *Store) Add(ctx context.Context, g *Grant) error {
	sealed, err := s.seal(g)
	if err != nil {
		return err
	}
	if g.Scopes == nil {
		g.Scopes = []string{}
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO oauth_grants (`+grantColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now(), '', false, 0, NULL)`,
		g.Name, g.Provider, g.ClientID, sealed.ClientSecret, g.Tenant, g.Scopes, g.DeviceURL, g.AuthURL, g.TokenURL,
		sealed.RefreshToken, sealed.AccessToken, nullable(g.UseUntil))
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return ErrGrantExists
	}
	if err != nil {
		return fmt.Errorf("add grant: %w", err)
	}
	return nil
}

// Renew replaces a grant's tokens with those of a new consent and clears
// its failures (`oauth renew`).
func (s *Store) Renew(ctx context.Context, name string, refresh, access string, useUntil time.Time) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		g, err := s.lock(ctx, tx, name)
		if err != nil {
			return err
		}
		g.RefreshToken, g.AccessToken, g.UseUntil = refresh, access, useUntil
		g.LastError, g.Broken, g.Failures, g.RetryAt = "", false, 0, time.Time{}
		return s.update(ctx, tx, g)
	})
}

// Remove deletes a grant.
func (s *Store) Remove(ctx context.Context, name string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM oauth_grants WHERE name = $1`, name)
	if err != nil {
		return fmt.Errorf("remove grant: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// Grants lists every grant by name, its secrets opened.
func (s *Store) Grants(ctx context.Context) ([]Grant, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+grantColumns+` FROM oauth_grants ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("grants: %w", err)
	}
	gs, err := pgx.CollectRows(rows, scanGrant)
	if err != nil {
		return nil, fmt.Errorf("grants: %w", err)
	}
	for i := range gs {
		if err := s.open(&gs[i]); err != nil {
			return nil, err
		}
	}
	return gs, nil
}

// Grant returns one grant by name, its secrets opened.
func (s *Store) Grant(ctx context.Context, name string) (*Grant, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+grantColumns+` FROM oauth_grants WHERE name = $1`, name)
	if err != nil {
		return nil, fmt.Errorf("grant: %w", err)
	}
	return s.collectOne(rows)
}

// lock reads a grant FOR UPDATE in tx: other refreshers wait for this one.
func (s *Store) lock(ctx context.Context, tx pgx.Tx, name string) (*Grant, error) {
	rows, err := tx.Query(ctx, `SELECT `+grantColumns+` FROM oauth_grants WHERE name = $1 FOR UPDATE`, name)
	if err != nil {
		return nil, fmt.Errorf("lock grant: %w", err)
	}
	return s.collectOne(rows)
}

func (s *Store) collectOne(rows pgx.Rows) (*Grant, error) {
	g, err := pgx.CollectExactlyOneRow(rows, scanGrant)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("grant: %w", err)
	}
	if err := s.open(&g); err != nil {
		return nil, err
	}
	return &g, nil
}

// update writes every mutable field of g (sealing its secrets) in tx.
func (s *Store) update(ctx context.Context, tx pgx.Tx, g *Grant) error {
	sealed, err := s.seal(g)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE oauth_grants SET refresh_token = $2, access_token = $3, access_expiry = $4,
			refreshed_at = $5, last_error = $6, broken = $7, failures = $8, retry_at = $9, client_secret = $10
		WHERE name = $1`, g.Name, sealed.RefreshToken, sealed.AccessToken, nullable(g.UseUntil),
		nullable(g.RefreshedAt), g.LastError, g.Broken, g.Failures, nullable(g.RetryAt), sealed.ClientSecret)
	if err != nil {
		return fmt.Errorf("save grant: %w", err)
	}
	return nil
}

func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

func scanGrant(r pgx.CollectableRow) (Grant, error) {
	var g Grant
	var until, refreshed, retry *time.Time
	err := r.Scan(&g.Name, &g.Provider, &g.ClientID, &g.ClientSecret, &g.Tenant, &g.Scopes, &g.DeviceURL, &g.AuthURL,
		&g.TokenURL, &g.RefreshToken, &g.AccessToken, &until, &refreshed, &g.LastError, &g.Broken, &g.Failures, &retry)
	g.UseUntil, g.RefreshedAt, g.RetryAt = deref(until), deref(refreshed), deref(retry)
	return g, err
}

// seal returns a copy of g's secrets sealed for storage.
func (s *Store) seal(g *Grant) (Grant, error) {
	var out Grant
	var err error
	for _, f := range []struct {
		purpose string
		in      string
		out     *string
	}{{purposeClientSecret, g.ClientSecret, &out.ClientSecret}, {purposeRefresh, g.RefreshToken, &out.RefreshToken},
		{purposeAccess, g.AccessToken, &out.AccessToken}} {
		if *f.out, err = s.opts.Keys.Seal(f.purpose, f.in); err != nil {
			return out, fmt.Errorf("seal grant %s: %w", g.Name, err)
		}
	}
	return out, nil
}

// open opens g's secrets in place.
func (s *Store) open(g *Grant) error {
	var err error
	for _, f := range []struct {
		purpose string
		v       *string
	}{{purposeClientSecret, &g.ClientSecret}, {purposeRefresh, &g.RefreshToken}, {purposeAccess, &g.AccessToken}} {
		if *f.v, err = s.opts.Keys.Open(f.purpose, *f.v); err != nil {
			return fmt.Errorf("grant %s: %w", g.Name, err)
		}
	}
	return nil
}

func nullable(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// Has reports whether a grant named name exists.
func (s *Store) Has(ctx context.Context, name string) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM oauth_grants WHERE name = $1)`, name).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("grant: %w", err)
	}
	return ok, nil
}
