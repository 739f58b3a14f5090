package auth_test

import (
	"context"
	"testing"

	"inboxdesk/auth"
	"inboxdesk/storage"
	"inboxdesk/testenv/fakeclock"
	"inboxdesk/testenv/pgtest"
)

type fixture struct {
	ctx     context.Context
	store   *auth.Store
	tickets *storage.Store
	clock   *fakeclock.Clock
}

var testCodeKey = []byte("test code key, test code key, test code key")

func newFixture(t *testing.T, mod func(*auth.Config)) *fixture {
	t.Helper()
	pool := pgtest.New(t)
	c := fakeclock.New()
	cfg := auth.Config{CodeKey: testCodeKey, Now: c.Now}
	if mod != nil {
		mod(&cfg)
	}
	return &fixture{ctx: context.Background(), store: auth.NewStore(storage.NewSignIn(pool), cfg),
		tickets: storage.New(pool, storage.DefaultConfig()), clock: c}
}

func (f *fixture) code(t *testing.T, email, ip string) string {
	t.Helper()
	code, err := f.store.CreateCode(f.ctx, auth.CodeRequest{Email: email, IP: ip, Browser: "b1", Purpose: "login"})
	if err != nil {
		t.Fatalf("CreateCode(%s): %v", email, err)
	}
	return code
}

// check checks a code typed in the browser f.code asks from.
func (f *fixture) check(email, code string) (auth.CodeGrant, error) {
	return f.store.CheckCode(f.ctx, auth.CodeCheck{Email: email, Code: code, Browser: "b1", IP: "10.0.0.1"})
}

// login signs in from a browser without a device cookie.
func (f *fixture) login(email, password, ip string) (*auth.Agent, error) {
	a, _, err := f.store.AgentLogin(f.ctx, auth.LoginAttempt{Email: email, Password: password, IP: ip})
	return a, err
}

// other returns a six-digit code that is not c.
func other(c string) string {
	if c == "000000" {
		return "000001"
	}
	return "000000"
}
