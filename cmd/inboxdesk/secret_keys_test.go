package main

import (
	"context"
	"crypto/rand"
	"strings"
	"syscall"
	"testing"
	"time"

	"inboxdesk/link"
	"inboxdesk/oauth"
	"inboxdesk/secrets"
	"inboxdesk/storage"
)

// TestSecretsSealedAtRest: a database from before secret keys holds the
// mailbox password and a refresh token in clear; the first serve with a
// key seals them in place (and still polls); without the key serve refuses
// to start with one line; a new key put first re-seals everything, after
// which the old key can go.
func TestSecretsSealedAtRest(t *testing.T) {
	p := newProduct(t)
	ctx := context.Background()
	grants := oauth.NewStore(storage.NewOAuthGrants(p.pool), oauth.Options{})
	const refresh = "rt-ClearRefreshToken42"
	if err := grants.Add(ctx, &oauth.Grant{Name: "m365", Provider: oauth.Custom, ClientID: "c",
		DeviceURL: "http://127.0.0.1:1/d", TokenURL: "http://127.0.0.1:1/t", RefreshToken: refresh}); err != nil {
		t.Fatal(err)
	}
	const hookSecret = "whsec-ClearWebhookSecret42"
	_, err := p.pool.Exec(ctx, `INSERT INTO webhooks (url, events, secret) VALUES ($1, $2, $3)`,
		"https://hooks.example.com/in", []string{"ticket.created"}, hookSecret)
	mustNot(t, err, "insert a webhook in clear")
	inClear := func() []string {
		var found []string
		for _, q := range []string{`SELECT string_agg(m::text, ' ') FROM mailboxes m`,
			`SELECT string_agg(g::text, ' ') FROM oauth_grants g`, `SELECT string_agg(w::text, ' ') FROM webhooks w`} {
			var dump string
			mustNot(t, p.pool.QueryRow(ctx, q).Scan(&dump), q)
			for _, secret := range []string{"support:secret@", refresh, hookSecret} {
				if strings.Contains(dump, secret) {
					found = append(found, secret)
				}
			}
		}
		return found
	}
	if len(inClear()) != 3 {
		t.Fatal("the secrets were not in clear to begin with")
	}
	oldKey, newKey := link.GenerateKey(), link.GenerateKey()
	serveWith := func(keys string, mails int) {
		t.Helper()
		srv := startProc(t, "serve", append(p.env(p.dbURL), "INBOXDESK_SECRET_KEYS="+keys), "serve")
		srv.webURL()
		want := p.count(t, "SELECT count(*) FROM messages") + mails
		raw := "From: c@example.org\r\nTo: support@example.com\r\nSubject: Sealed\r\nMessage-ID: <" +
			rand.Text() + "@example.org>\r\n\r\nhello\r\n"
		_, err := p.imap.Append("INBOX", []byte(raw))
		mustNot(t, err, "append")
		eventually(t, 15*time.Second, "mail ingested with the sealed password", func() bool {
			return p.count(t, "SELECT count(*) FROM messages") == want
		})
		if code := srv.signal(syscall.SIGTERM, 20*time.Second); code != 0 {
			t.Fatalf("serve exit %d:\n%s", code, srv.out.String())
		}
	}
	serveWith(oldKey, 1)
	if found := inClear(); len(found) != 0 {
		t.Fatalf("after serve with a key, in clear in the database: %v", found)
	}
	if n := p.count(t, `SELECT count(*) FROM mailboxes WHERE url LIKE 'sealed:`+kid(oldKey)+`:%'`); n != 1 {
		t.Fatal("the mailbox URL is not sealed under the key")
	}

	srv := startProc(t, "serve", p.env(p.dbURL), "serve")
	if code := srv.wait(20 * time.Second); code != 1 {
		t.Fatalf("serve without the key: exit %d, want 1:\n%s", code, srv.out.String())
	}
	if out := strings.TrimSpace(srv.out.String()); strings.Count(out, "\n") != 0 ||
		!strings.Contains(out, "INBOXDESK_SECRET_KEYS is not set") {
		t.Fatalf("want one line naming INBOXDESK_SECRET_KEYS, got:\n%s", out)
	}

	serveWith(newKey+","+oldKey, 1)
	for _, q := range []string{`SELECT count(*) FROM mailboxes WHERE url NOT LIKE 'sealed:` + kid(newKey) + `:%'`,
		`SELECT count(*) FROM oauth_grants WHERE refresh_token NOT LIKE 'sealed:` + kid(newKey) + `:%'`,
		`SELECT count(*) FROM webhooks WHERE secret NOT LIKE 'sealed:` + kid(newKey) + `:%'`} {
		if n := p.count(t, q); n != 0 {
			t.Fatalf("%s = %d after rotation, want 0", q, n)
		}
	}
	serveWith(newKey, 1) // the old key is no longer needed

	keys, err := secrets.ParseKeys(newKey)
	mustNot(t, err, "parse the key")
	cfg := storage.DefaultConfig()
	cfg.Secrets = keys
	hooks, err := storage.New(p.pool, cfg).Webhooks(ctx)
	mustNot(t, err, "list webhooks")
	if len(hooks) != 1 || hooks[0].Secret != hookSecret {
		t.Fatalf("the sealed webhook secret does not open to what was stored: %+v", hooks)
	}
}

func kid(key string) string { k, _, _ := strings.Cut(key, ":"); return k }
