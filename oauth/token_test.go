package oauth_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"inboxdesk/link"
	"inboxdesk/oauth"
	"inboxdesk/secrets"
	"inboxdesk/storage"
	"inboxdesk/testenv/oauth2server"
	"inboxdesk/testenv/pgtest"
)

// newGrant runs the device flow against srv (approving its user code as
// the consenting person would) and stores the grant as "m365".
func newGrant(t *testing.T, store *oauth.Store, srv *oauth2server.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	g := &oauth.Grant{Name: "m365", Provider: oauth.Custom, ClientID: srv.ClientID(),
		DeviceURL: srv.DeviceURL(), TokenURL: srv.TokenURL()}
	pr, pw := io.Pipe()
	go srv.ApprovePrinted(pr)
	err := store.Authorize(ctx, g, pw, 0)
	pw.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Add(ctx, g); err != nil {
		t.Fatal(err)
	}
}

func keyring(t *testing.T) *secrets.Keyring {
	k, err := secrets.ParseKeys(link.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestRotationUnderTwoReplicas: two stores on their own pools (two
// replicas) ask for tokens at once, over and over, while access tokens live
// one second and every refresh rotates the refresh token. None may ever
// present a dead refresh token: the provider would answer invalid_grant.
func TestRotationUnderTwoReplicas(t *testing.T) {
	srv := oauth2server.New(t, oauth2server.Options{Rotate: true, AccessTTL: time.Second})
	url := pgtest.NewURL(t)
	keys := keyring(t)
	var replicas []*oauth.Store
	for range 2 {
		replicas = append(replicas, oauth.NewStore(storage.NewOAuthGrants(pgtest.Pool(t, url)), oauth.Options{Keys: keys}))
	}
	newGrant(t, replicas[0], srv)
	ctx := context.Background()
	deadline := time.Now().Add(3500 * time.Millisecond)
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for _, r := range replicas {
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(deadline) {
					tok, err := r.AccessToken(ctx, "m365")
					if err != nil {
						errs <- err
						return
					}
					if !srv.Active(srv.Username(), tok) {
						errs <- errors.New("handed out a dead access token")
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	refreshes := srv.Count("refresh_token")
	if refreshes < 2 {
		t.Fatalf("%d refreshes in 3.5 s of one-second tokens: the tokens were not refreshed", refreshes)
	}
	// Each expiry costs one refresh however many replicas ask (with the
	// quarter-lifetime margin, about one every 0.75 s).
	if refreshes > 8 {
		t.Fatalf("%d refreshes in 3.5 s: replicas refreshed the same expiry twice", refreshes)
	}
	if n := srv.LiveRefreshTokens(); n != 1 {
		t.Fatalf("%d live refresh tokens, want 1", n)
	}
}

// TestRevokedGrantIsBrokenWithoutRetryStorm: after the consent is revoked
// the first refresh marks the grant broken with a message that names the
// fix, and later asks fail at once without asking the provider again.
func TestRevokedGrantIsBrokenWithoutRetryStorm(t *testing.T) {
	srv := oauth2server.New(t, oauth2server.Options{AccessTTL: time.Second})
	var observed []bool
	var mu sync.Mutex
	store := oauth.NewStore(storage.NewOAuthGrants(pgtest.New(t)), oauth.Options{Observe: func(_ string, err error, broken bool) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			observed = append(observed, broken)
		}
	}})
	newGrant(t, store, srv)
	srv.RevokeAll()
	time.Sleep(time.Second)
	ctx := context.Background()
	for range 20 {
		_, err := store.AccessToken(ctx, "m365")
		var ge *oauth.GrantError
		if !errors.As(err, &ge) || !ge.Broken {
			t.Fatalf("after revoke: %v, want a broken grant", err)
		}
		if want := "run `inboxdesk oauth renew m365`"; !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "invalid_grant") {
			t.Fatalf("error %q does not say invalid_grant and %s", err, want)
		}
	}
	if n := srv.Count("refresh_token"); n != 1 {
		t.Fatalf("%d refresh requests for 20 asks after the revoke, want 1", n)
	}
	if len(observed) != 1 || !observed[0] {
		t.Fatalf("observer saw %v, want one broken failure", observed)
	}
	g, err := store.Grant(ctx, "m365")
	if err != nil || !g.Broken || g.LastError == "" {
		t.Fatalf("stored grant %+v %v", g, err)
	}
}

// TestOutageBacksOff: a token endpoint that answers 503 is retried after a
// growing wait, not on every ask, and the grant recovers when it answers.
func TestOutageBacksOff(t *testing.T) {
	srv := oauth2server.New(t, oauth2server.Options{AccessTTL: time.Second})
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	store := oauth.NewStore(storage.NewOAuthGrants(pgtest.New(t)), oauth.Options{Now: clock})
	newGrant(t, store, srv)
	advance(3 * time.Second) // past the access token's lifetime
	srv.FailTokenRequests(2)
	ctx := context.Background()
	for range 5 {
		var ge *oauth.GrantError
		if _, err := store.AccessToken(ctx, "m365"); !errors.As(err, &ge) || ge.Broken {
			t.Fatalf("during the outage: %v, want a retryable error", err)
		}
	}
	if n := srv.Count("refresh_token"); n != 1 {
		t.Fatalf("%d refresh requests within the first backoff, want 1", n)
	}
	advance(6 * time.Second) // past the first wait (5 s): one more try, which fails again
	_, _ = store.AccessToken(ctx, "m365")
	advance(6 * time.Second) // the second wait is 10 s: no try yet
	_, _ = store.AccessToken(ctx, "m365")
	if n := srv.Count("refresh_token"); n != 2 {
		t.Fatalf("%d refresh requests, want 2 (the second backoff is longer)", n)
	}
	advance(5 * time.Second)
	if _, err := store.AccessToken(ctx, "m365"); err != nil {
		t.Fatalf("after the outage: %v", err)
	}
}
