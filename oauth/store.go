package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

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

// Errors of the store (a Keeper gives them too); test with errors.Is.
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

// Keeper keeps the grants' rows (storage.OAuthGrants). The secrets of
// the grants it takes and gives are sealed: Store seals and opens them.
type Keeper interface {
	// Insert stores a new grant, refreshed now; ErrGrantExists when the
	// name is taken.
	Insert(ctx context.Context, g *Grant) error
	// Delete removes a grant; ErrNotFound when there is none.
	Delete(ctx context.Context, name string) error
	// All returns every grant by name.
	All(ctx context.Context) ([]Grant, error)
	// ByName returns one grant; ErrNotFound when there is none.
	ByName(ctx context.Context, name string) (*Grant, error)
	Exists(ctx context.Context, name string) (bool, error)
	// Locked hands the grant to change under a row lock held until change
	// returns, and saves what change left in it, in the same transaction,
	// when change returns true: callers in every process run one after
	// the other. ErrNotFound when there is no such grant.
	Locked(ctx context.Context, name string, change func(*Grant) (bool, error)) error
	// AllLocked is Locked over every grant, in one transaction.
	AllLocked(ctx context.Context, change func(*Grant) (bool, error)) error
}

// Store keeps the grants (through a Keeper) and gets their tokens.
type Store struct {
	rows Keeper
	opts Options
}

// NewStore returns a store over rows.
func NewStore(rows Keeper, opts Options) *Store {
	if opts.HTTP == nil {
		opts.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 5 * time.Minute
	}
	return &Store{rows: rows, opts: opts}
}

// Purposes the secrets are sealed for (a value sealed for one does not open as another).
const (
	purposeClientSecret = "oauth client secret"
	purposeRefresh      = "oauth refresh token"
	purposeAccess       = "oauth access token"
)

// Add stores a new grant (its first tokens from the device flow).
func (s *Store) Add(ctx context.Context, g *Grant) error {
	if g.Scopes == nil {
		g.Scopes = []string{}
	}
	sealed, err := s.seal(g)
	if err != nil {
		return err
	}
	return s.rows.Insert(ctx, &sealed)
}

// Renew replaces a grant's tokens with those of a new consent and clears
// its failures (`oauth renew`).
func (s *Store) Renew(ctx context.Context, name string, refresh, access string, useUntil time.Time) error {
	return s.locked(ctx, name, func(g *Grant) (bool, error) {
		g.RefreshToken, g.AccessToken, g.UseUntil = refresh, access, useUntil
		g.LastError, g.Broken, g.Failures, g.RetryAt = "", false, 0, time.Time{}
		return true, nil
	})
}

// Remove deletes a grant.
func (s *Store) Remove(ctx context.Context, name string) error {
	return s.rows.Delete(ctx, name)
}

// Grants lists every grant by name, its secrets opened.
func (s *Store) Grants(ctx context.Context) ([]Grant, error) {
	gs, err := s.rows.All(ctx)
	if err != nil {
		return nil, err
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
	g, err := s.rows.ByName(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := s.open(g); err != nil {
		return nil, err
	}
	return g, nil
}

// Has reports whether a grant named name exists.
func (s *Store) Has(ctx context.Context, name string) (bool, error) {
	return s.rows.Exists(ctx, name)
}

// locked runs change on the grant, its secrets opened, under the grant's
// row lock (Keeper.Locked); what change leaves is sealed and saved when it
// returns true.
func (s *Store) locked(ctx context.Context, name string, change func(*Grant) (bool, error)) error {
	return s.rows.Locked(ctx, name, func(g *Grant) (bool, error) {
		if err := s.open(g); err != nil {
			return false, err
		}
		if save, err := change(g); err != nil || !save {
			return false, err
		}
		return true, s.sealInPlace(g)
	})
}

// sealInPlace seals g's secrets for storage.
func (s *Store) sealInPlace(g *Grant) error {
	sealed, err := s.seal(g)
	if err != nil {
		return err
	}
	*g = sealed
	return nil
}

// seal returns a copy of g with its secrets sealed for storage.
func (s *Store) seal(g *Grant) (Grant, error) {
	out := *g
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
