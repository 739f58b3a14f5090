package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"inboxdesk/link"
	"inboxdesk/oauth"
	"inboxdesk/storage"
	"inboxdesk/testenv/oauth2server"
	"inboxdesk/testenv/pgtest"
)

// inboxdeskConsenting runs a command that prints a device-flow user code,
// and consents at srv when it does, as the person at the browser would.
func inboxdeskConsenting(t *testing.T, srv *oauth2server.Server, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pr, pw := io.Pipe()
	var out bytes.Buffer
	done := make(chan struct{})
	go func() { defer close(done); srv.ApprovePrinted(io.TeeReader(pr, &out)) }()
	code := run(ctx, args, pw, pw)
	pw.Close()
	<-done
	return out.String(), code
}

func TestOAuthDeviceFlowFromTheCLI(t *testing.T) {
	srv := oauth2server.New(t, oauth2server.Options{AccessTTL: time.Second})
	db := pgtest.NewURL(t)
	t.Setenv("INBOXDESK_SECRET_KEYS", link.GenerateKey())
	out, code := inboxdeskConsenting(t, srv, "oauth", "add", "--database-url", db, "--name", "m365",
		"--provider", "custom", "--client-id", srv.ClientID(), "--device-url", srv.DeviceURL(), "--token-url", srv.TokenURL())
	if code != 0 || !strings.Contains(out, srv.URL+"/verify") || !strings.Contains(out, "added grant m365") {
		t.Fatalf("oauth add: %d %q", code, out)
	}
	if n := srv.Count("urn:ietf:params:oauth:grant-type:device_code"); n < 1 {
		t.Fatal("the CLI never polled the token endpoint for the device code")
	}
	list, code := inboxdesk(t, "oauth", "list", "--database-url", db)
	if code != 0 || !strings.Contains(list, "m365") || !strings.Contains(list, "custom") || strings.Contains(list, "BROKEN") {
		t.Fatalf("oauth list: %d %q", code, list)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var refresh string
	if err := conn.QueryRow(ctx, `SELECT refresh_token FROM oauth_grants WHERE name = 'm365'`).Scan(&refresh); err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(refresh, "rt-") || !strings.HasPrefix(refresh, "sealed:") {
		t.Fatalf("refresh token stored as %q, want it sealed", refresh)
	}

	if out, code := inboxdesk(t, "mailbox", "add", "--database-url", db, "--name", "support",
		"--url", "imaps://support@example.com@outlook.office365.com/INBOX?oauth=nope"); code == 0 || !strings.Contains(out, `no OAuth2 grant named "nope"`) {
		t.Fatalf("a mailbox naming an unknown grant: %d %q", code, out)
	}
	if out, code := inboxdesk(t, "mailbox", "add", "--database-url", db, "--name", "support",
		"--url", "imaps://support@example.com@outlook.office365.com/INBOX?oauth=m365"); code != 0 {
		t.Fatalf("mailbox add with a grant: %q", out)
	}

	// Consent revoked: the grant breaks, the lists say what to run, renew mends it.
	srv.RevokeAll()
	time.Sleep(time.Second)
	keys, _ := secretKeysFromEnv()
	store := oauth.NewStore(storage.NewOAuthGrants(pgtest.Pool(t, db)), oauth.Options{Keys: keys})
	if _, err := store.AccessToken(ctx, "m365"); err == nil {
		t.Fatal("a revoked grant still gave an access token")
	}
	if list, _ := inboxdesk(t, "oauth", "list", "--database-url", db); !strings.Contains(list, "BROKEN: invalid_grant") ||
		!strings.Contains(list, "oauth renew m365") {
		t.Fatalf("oauth list after revoke:\n%s", list)
	}
	if list, _ := inboxdesk(t, "mailbox", "list", "--database-url", db); !strings.Contains(list, "cannot sign in") ||
		!strings.Contains(list, "oauth renew m365") {
		t.Fatalf("mailbox list after revoke:\n%s", list)
	}
	if out, code := inboxdeskConsenting(t, srv, "oauth", "renew", "--database-url", db, "--name", "m365"); code != 0 ||
		!strings.Contains(out, "renewed grant m365") {
		t.Fatalf("oauth renew: %d %q", code, out)
	}
	if _, err := store.AccessToken(ctx, "m365"); err != nil {
		t.Fatalf("after renew: %v", err)
	}
	for _, args := range [][]string{
		{"oauth", "add", "--database-url", db, "--name", "x", "--provider", "custom", "--client-id", "c"},
		{"oauth", "add", "--database-url", db, "--name", "x", "--provider", "yahoo", "--client-id", "c"},
		{"oauth", "add", "--database-url", db, "--name", "x", "--provider", "microsoft"},
		{"oauth", "renew", "--database-url", db, "--name", "nope"},
	} {
		if out, code := inboxdesk(t, args...); code == 0 || !strings.Contains(out, "inboxdesk oauth") {
			t.Errorf("%v: exit %d %q, want a clear error", args, code, out)
		}
	}
	if out, code := inboxdesk(t, "oauth", "remove", "--database-url", db, "--name", "m365"); code != 0 {
		t.Fatalf("oauth remove: %q", out)
	}
	if list, _ := inboxdesk(t, "oauth", "list", "--database-url", db); strings.Contains(list, "m365") {
		t.Fatalf("removed grant still listed:\n%s", list)
	}
}

// TestOAuthBrowserFlowFromTheCLI: the flow Google needs for mail — consent
// in a browser that the provider sends back to a loopback port with a code,
// exchanged with its PKCE verifier — run from the CLI; renew uses it again.
func TestOAuthBrowserFlowFromTheCLI(t *testing.T) {
	srv := oauth2server.New(t, oauth2server.Options{})
	db := pgtest.NewURL(t)
	out, code := inboxdeskConsenting(t, srv, "oauth", "add", "--database-url", db, "--name", "gws",
		"--provider", "custom", "--client-id", srv.ClientID(), "--auth-url", srv.AuthURL(), "--token-url", srv.TokenURL())
	if code != 0 || !strings.Contains(out, srv.AuthURL()+"?") || !strings.Contains(out, "added grant gws") {
		t.Fatalf("oauth add (browser): %d %q", code, out)
	}
	if srv.Count("authorize") != 1 || srv.Count("authorization_code") != 1 {
		t.Fatalf("consent pages %d, code exchanges %d; want 1 each", srv.Count("authorize"), srv.Count("authorization_code"))
	}
	store := oauth.NewStore(storage.NewOAuthGrants(pgtest.Pool(t, db)), oauth.Options{})
	ctx := context.Background()
	tok, err := store.AccessToken(ctx, "gws")
	if err != nil || !srv.Active(srv.Username(), tok) {
		t.Fatalf("access token after the browser flow: %v", err)
	}
	if out, code := inboxdeskConsenting(t, srv, "oauth", "renew", "--database-url", db, "--name", "gws"); code != 0 ||
		srv.Count("authorize") != 2 {
		t.Fatalf("oauth renew (browser): %d %q", code, out)
	}
}
