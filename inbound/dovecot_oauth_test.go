package inbound_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"inboxdesk/inbound"
	"inboxdesk/oauth"
	"inboxdesk/storage"
	"inboxdesk/testenv/dovecot"
	"inboxdesk/testenv/oauth2server"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

// TestDovecotOAuth signs in to the real Dovecot with SASL: its oauth2
// passdb asks our test authorization server about every token. Mail is
// ingested; an access token that expired between polls is refreshed on
// the next sign-in; one the server stopped taking early is refreshed and
// retried; a revoked grant puts the fix on the mailbox and is not retried.
func TestDovecotOAuth(t *testing.T) {
	srv := oauth2server.New(t, oauth2server.Options{Username: "support", AccessTTL: 5 * time.Second, Rotate: true})
	dc := dovecot.StartOAuth(t, srv.IntrospectURL())
	ctx := context.Background()
	pool := pgtest.New(t)
	grants := oauth.NewStore(storage.NewOAuthGrants(pool), oauth.Options{})
	if err := grants.Add(ctx, &oauth.Grant{Name: "m365", Provider: oauth.Custom, ClientID: srv.ClientID(),
		DeviceURL: srv.DeviceURL(), TokenURL: srv.TokenURL(), RefreshToken: srv.IssueRefreshToken()}); err != nil {
		t.Fatal(err)
	}
	store := storage.New(pool, testStoreConfig())
	if _, err := store.AddMailbox(ctx, ticket.Mailbox{Name: "support", URL: dc.OAuthURL("INBOX", "m365")}); err != nil {
		t.Fatal(err)
	}
	p := inbound.NewPoller(store, quietLog(), inbound.Options{Tokens: grants})
	defer p.Close()
	mailN := 0
	pollOne := func(when string) {
		t.Helper()
		mailN++
		dc.Append(t, "INBOX", []byte(customerMail("c@example.org", when+"@example.org", when, "hello")))
		st, err := p.Poll(ctx, "support")
		if err != nil || st.Fetched != 1 {
			t.Fatalf("%s: poll %+v %v (refreshes %d, introspections %d, active %d)", when, st, err, srv.Count("refresh_token"), srv.Count("introspect"), srv.Count("introspect_active"))
		}
	}
	pollOne("first")
	if srv.Count("introspect_active") < 1 || srv.Count("refresh_token") != 1 {
		t.Fatalf("Dovecot did not check a token at the introspection endpoint (%d) or no refresh (%d)",
			srv.Count("introspect_active"), srv.Count("refresh_token"))
	}
	time.Sleep(5100 * time.Millisecond) // the access token expires
	dc.Restart(t)                       // and the session with it: the next poll signs in again
	pollOne("after-expiry")
	if n := srv.Count("refresh_token"); n != 2 {
		t.Fatalf("%d refreshes, want 2 (the expired token refreshed once)", n)
	}
	// The provider revokes the access token before its expiry: Dovecot says
	// NO, the poller refreshes and signs in with the new one.
	srv.ExpireAccessTokens()
	dc.Restart(t)
	pollOne("early-revoke")
	if n := srv.Count("refresh_token"); n != 3 {
		t.Fatalf("%d refreshes, want 3", n)
	}

	srv.RevokeAll()
	dc.Restart(t)
	for range 5 {
		_, err := p.Poll(ctx, "support")
		if err == nil || !strings.Contains(err.Error(), "inboxdesk oauth renew m365") {
			t.Fatalf("poll with a revoked grant: %v", err)
		}
	}
	if n := srv.Count("refresh_token"); n != 4 {
		t.Fatalf("%d refreshes after 5 polls of a revoked grant, want 4 (one, then none)", n)
	}
	mb, err := store.MailboxByName(ctx, "support")
	if err != nil || !strings.Contains(mb.LastError, "oauth renew m365") {
		t.Fatalf("mailbox last_error %q (%v)", mb.LastError, err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM messages`).Scan(&n); err != nil || n != mailN {
		t.Fatalf("%d messages (%v), want %d", n, err, mailN)
	}
}
