package main

import (
	"context"
	"net/url"
	"syscall"
	"testing"
	"time"

	"inboxdesk/devmail"
	"inboxdesk/link"
	"inboxdesk/oauth"
	"inboxdesk/storage"
	"inboxdesk/testenv/dovecot"
	"inboxdesk/testenv/oauth2server"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

// TestServeOverOAuth2: serve signs in to the real Dovecot and to SMTP with
// one OAuth2 grant (tokens checked at the authorization server by both),
// and a customer's mail is acknowledged within seconds although the poll
// schedule is ten minutes and the coalescing window the default 30 s:
// IDLE polls at once and the acknowledgement skips the window.
func TestServeOverOAuth2(t *testing.T) {
	srv := oauth2server.New(t, oauth2server.Options{Username: "support", AccessTTL: 10 * time.Second, Rotate: true})
	dc := dovecot.StartOAuth(t, srv.IntrospectURL())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	smtp, err := devmail.StartSMTP(ctx, "127.0.0.1:0", devmail.SMTPOptions{CheckToken: srv.Active}, nil)
	mustNot(t, err, "smtp")
	defer smtp.Close()
	db := pgtest.NewURL(t)
	pool := pgtest.Pool(t, db)
	keys := link.GenerateKey()
	t.Setenv("INBOXDESK_SECRET_KEYS", keys)
	_, grants, err := stores(pool)
	mustNot(t, err, "stores")
	mustNot(t, grants.Add(ctx, &oauth.Grant{Name: "mail", Provider: oauth.Custom, ClientID: srv.ClientID(),
		DeviceURL: srv.DeviceURL(), TokenURL: srv.TokenURL(), RefreshToken: srv.IssueRefreshToken()}), "add grant")
	_, err = storage.New(pool, storage.DefaultConfig()).AddMailbox(ctx, ticket.Mailbox{Name: "support",
		URL: dc.OAuthURL("INBOX", "mail"), Schedule: "@every 10m"})
	mustNot(t, err, "add mailbox")
	smtpURL := url.URL{Scheme: "smtp", User: url.User("support"), Host: smtp.Addr(), RawQuery: "oauth=mail&starttls=none"}
	p := startProc(t, "serve", []string{"DATABASE_URL=" + db, "INBOXDESK_LINK_KEYS=" + link.GenerateKey(),
		"INBOXDESK_SECRET_KEYS=" + keys, "INBOXDESK_SMTP_URL=" + smtpURL.String(), "INBOXDESK_LISTEN=127.0.0.1:0",
		"INBOXDESK_LOG_FORMAT=json", "INBOXDESK_FROM=Support <no-reply@example.com>"}, "serve")
	p.webURL()
	time.Sleep(time.Second) // the IDLE watcher connects
	start := time.Now()
	dc.Append(t, "INBOX", []byte("From: Ana <ana@example.org>\r\nTo: support@example.com\r\nSubject: Broken\r\n"+
		"Message-ID: <oauth-serve@example.org>\r\n\r\nIt broke.\r\n"))
	wait, cancelWait := context.WithTimeout(ctx, 10*time.Second)
	defer cancelWait()
	if err := smtp.Wait(wait, 1); err != nil {
		t.Fatalf("no acknowledgement within 10 s: %v\n%s", err, p.out.String())
	}
	took := time.Since(start)
	t.Logf("mail → acknowledgement in the SMTP sink: %v", took.Round(time.Millisecond))
	if took > 5*time.Second {
		t.Fatalf("acknowledgement took %v, want ≤ 5 s", took)
	}
	if n := srv.Count("introspect_active"); n < 2 {
		t.Fatalf("%d tokens checked, want IMAP and SMTP sign-ins both checked", n)
	}
	if code := p.signal(syscall.SIGTERM, 20*time.Second); code != 0 {
		t.Fatalf("exit %d:\n%s", code, p.out.String())
	}
}
