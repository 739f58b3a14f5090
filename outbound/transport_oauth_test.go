package outbound_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"inboxdesk/devmail"
	"inboxdesk/oauth"
	"inboxdesk/outbound"
	"inboxdesk/storage"
	"inboxdesk/testenv/oauth2server"
	"inboxdesk/testenv/pgtest"
)

// TestTransportXOAUTH2: alerts go out over SMTP signed in with XOAUTH2,
// the server checking each token at the authorization server; a new
// connection after the token expired signs in with a refreshed one; a
// revoked grant fails the send with the command that mends it.
func TestTransportXOAUTH2(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := oauth2server.New(t, oauth2server.Options{AccessTTL: time.Second, Rotate: true})
	sink, err := devmail.StartSMTP(ctx, "127.0.0.1:0", devmail.SMTPOptions{CheckToken: srv.Active}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	grants := oauth.NewStore(storage.NewOAuthGrants(pgtest.New(t)), oauth.Options{})
	if err := grants.Add(ctx, &oauth.Grant{Name: "m365", Provider: oauth.Custom, ClientID: srv.ClientID(),
		DeviceURL: srv.DeviceURL(), TokenURL: srv.TokenURL(), RefreshToken: srv.IssueRefreshToken()}); err != nil {
		t.Fatal(err)
	}
	u := url.URL{Scheme: "smtp", User: url.User(srv.Username()), Host: sink.Addr(), RawQuery: "oauth=m365&starttls=none"}
	tr, err := outbound.NewTransport(u.String(), outbound.TransportOptions{Tokens: grants, MaxIdle: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	raw := []byte("From: a@example.com\r\nTo: b@example.org\r\nSubject: x\r\n\r\nbody\r\n")
	send := func() error { return tr.Send(ctx, "no-reply@example.com", []string{"b@example.org"}, raw) }
	if err := send(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // the token expired and the idle connection is replaced
	if err := send(); err != nil {
		t.Fatalf("send after the token expired: %v", err)
	}
	if n := srv.Count("refresh_token"); n != 2 {
		t.Fatalf("%d refreshes, want 2", n)
	}
	if n := srv.Count("introspect_active"); n != 2 {
		t.Fatalf("the SMTP server accepted %d tokens, want 2", n)
	}
	srv.RevokeAll()
	time.Sleep(1100 * time.Millisecond)
	if err := send(); err == nil || !strings.Contains(err.Error(), "inboxdesk oauth renew m365") {
		t.Fatalf("send with a revoked grant: %v", err)
	}
	if got := len(sink.Messages()); got != 2 {
		t.Fatalf("%d messages delivered, want 2", got)
	}
	// Without a token the server refuses the sender.
	bad, _ := outbound.NewTransport(u.String(), outbound.TransportOptions{Tokens: fixedToken("forged")})
	defer bad.Close()
	if err := bad.Send(ctx, "no-reply@example.com", []string{"b@example.org"}, raw); err == nil {
		t.Fatal("a forged token was accepted")
	}
}

type fixedToken string

func (f fixedToken) AccessToken(context.Context, string) (string, error) { return string(f), nil }
