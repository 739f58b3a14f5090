package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/devmail"
	"inboxdesk/link"
	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/testenv/tcpproxy"
	"inboxdesk/ticket"
)

func TestServeRefusesWrongSetting(t *testing.T) {
	good := map[string]string{
		"DATABASE_URL":        "postgres://nobody@127.0.0.1:1/none",
		"INBOXDESK_LINK_KEYS": link.GenerateKey(),
		"INBOXDESK_SMTP_URL":  "smtp://127.0.0.1:2525",
	}
	cases := []struct {
		name, key, value, want string
	}{
		{"missing link keys", "INBOXDESK_LINK_KEYS", "", "INBOXDESK_LINK_KEYS (--link-keys) is required"},
		{"bad link key", "INBOXDESK_LINK_KEYS", "k1:tooshort", "INBOXDESK_LINK_KEYS (--link-keys)"},
		{"missing database", "DATABASE_URL", "", "DATABASE_URL (--database-url) is required"},
		{"relative base url", "INBOXDESK_BASE_URL", "help.example.com", "INBOXDESK_BASE_URL (--base-url)"},
		{"unknown language", "INBOXDESK_LANGUAGE", "fr", "INBOXDESK_LANGUAGE (--language): must be en or es"},
		{"bad smtp scheme", "INBOXDESK_SMTP_URL", "http://relay:25", "INBOXDESK_SMTP_URL (--smtp-url)"},
		{"bad coalesce", "INBOXDESK_COALESCE", "soon", "INBOXDESK_COALESCE (--coalesce)"},
		{"bad imap timeout", "INBOXDESK_IMAP_TIMEOUT", "0s", "INBOXDESK_IMAP_TIMEOUT (--imap-timeout)"},
		{"bad poll timeout", "INBOXDESK_POLL_TIMEOUT", "forever", "INBOXDESK_POLL_TIMEOUT (--poll-timeout)"},
		{"bad stalled polls", "INBOXDESK_STALLED_POLLS", "0", "INBOXDESK_STALLED_POLLS (--stalled-polls)"},
		{"bad upload size", "INBOXDESK_UPLOAD_MAX", "huge", "INBOXDESK_UPLOAD_MAX (--upload-max)"},
		{"half of tls", "INBOXDESK_TLS_CERT", "cert.pem", "INBOXDESK_TLS_CERT (--tls-cert)"},
		{"half of vapid", "INBOXDESK_VAPID_PUBLIC_KEY", "BOr8Tq1cNp0", "INBOXDESK_VAPID_PUBLIC_KEY (--vapid-public-key)"},
		{"vapid subject", "INBOXDESK_VAPID_SUBJECT", "ops@example.com", "INBOXDESK_VAPID_SUBJECT (--vapid-subject)"},
		{"client ip header", "INBOXDESK_CLIENT_IP_HEADER", "X-Forwarded-For: 1.2.3.4", "INBOXDESK_CLIENT_IP_HEADER (--client-ip-header)"},
		{"metrics listen", "INBOXDESK_METRICS_LISTEN", "9090", "INBOXDESK_METRICS_LISTEN (--metrics-listen)"},
		{"trusted authserv id", "INBOXDESK_TRUSTED_AUTHSERV_ID", "mx.example.com; dkim=pass", "INBOXDESK_TRUSTED_AUTHSERV_ID (--trusted-authserv-id)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var env []string
			for k, v := range good {
				if k != c.key {
					env = append(env, k+"="+v)
				}
			}
			env = append(env, c.key+"="+c.value)
			p := startProc(t, "serve", env, "serve")
			if code := p.wait(20 * time.Second); code != 1 {
				t.Fatalf("exit code %d, want 1; output:\n%s", code, p.out.String())
			}
			out := strings.TrimSpace(p.out.String())
			if strings.Count(out, "\n") != 0 || !strings.Contains(out, c.want) {
				t.Fatalf("want one line naming the setting (%q), got:\n%s", c.want, out)
			}
			if strings.Contains(out, good["INBOXDESK_LINK_KEYS"]) {
				t.Fatal("the error printed a secret")
			}
		})
	}
}

// product is what a serve process needs around it: its database, an IMAP
// server holding the support mailbox and an SMTP server capturing alerts.
type product struct {
	dbURL string
	pool  *pgxpool.Pool
	store *storage.Store
	imap  *devmail.IMAP
	smtp  *devmail.SMTP
	key   string
}

func newProduct(t *testing.T) *product {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	p := &product{dbURL: pgtest.NewURL(t), key: link.GenerateKey()}
	var err error
	p.pool, err = pgxpool.New(ctx, p.dbURL)
	mustNot(t, err, "pool")
	t.Cleanup(p.pool.Close)
	p.store = storage.New(p.pool, storage.DefaultConfig())
	p.imap, err = devmail.StartIMAP(ctx, "127.0.0.1:0", "support", "secret", nil)
	mustNot(t, err, "imap")
	t.Cleanup(func() { p.imap.Close() })
	p.smtp, err = devmail.StartSMTP(ctx, "127.0.0.1:0", devmail.SMTPOptions{}, nil)
	mustNot(t, err, "smtp")
	t.Cleanup(func() { p.smtp.Close() })
	_, err = p.store.AddMailbox(ctx, ticket.Mailbox{Name: "support", Schedule: "@every 1s",
		URL: "imap://support:secret@" + p.imap.Addr() + "/INBOX?starttls=none"})
	mustNot(t, err, "add mailbox")
	return p
}

// env is a serve process's environment on this product, with dbURL as its
// database (a proxy's address, say).
func (p *product) env(dbURL string) []string {
	return []string{"DATABASE_URL=" + dbURL, "INBOXDESK_LINK_KEYS=" + p.key,
		"INBOXDESK_SMTP_URL=smtp://" + p.smtp.Addr() + "?starttls=none", "INBOXDESK_LISTEN=127.0.0.1:0",
		"INBOXDESK_LOG_FORMAT=json", "INBOXDESK_COALESCE=0s", "INBOXDESK_FROM=Support <no-reply@example.com>"}
}

// mail appends n customer mails, each from its own address.
func (p *product) mail(t *testing.T, n int) {
	t.Helper()
	for i := range n {
		raw := fmt.Sprintf("From: Customer %d <customer%d@example.org>\r\nTo: support@example.com\r\n"+
			"Subject: Problem number %d\r\nMessage-ID: <m%d@example.org>\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n"+
			"Content-Type: text/plain; charset=utf-8\r\n\r\nMy order %d did not arrive.\r\n", i, i, i, i, i)
		if _, err := p.imap.Append("INBOX", []byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
}

func (p *product) count(t *testing.T, query string) int {
	t.Helper()
	var n int
	if err := p.pool.QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestReadyzFollowsDatabase(t *testing.T) {
	p := newProduct(t)
	cfg, err := pgxpool.ParseConfig(p.dbURL)
	mustNot(t, err, "parse url")
	proxy := tcpproxy.Start(t, fmt.Sprintf("%s:%d", cfg.ConnConfig.Host, cfg.ConnConfig.Port))
	viaProxy := strings.Replace(p.dbURL, fmt.Sprintf("%s:%d", cfg.ConnConfig.Host, cfg.ConnConfig.Port), proxy.Addr(), 1)
	srv := startProc(t, "serve", p.env(viaProxy), "serve")
	base := srv.webURL()
	eventually(t, 10*time.Second, "ready", func() bool { return status(base+"/readyz") == 200 })

	proxy.Down()
	eventually(t, 10*time.Second, "unready without the database", func() bool { return status(base+"/readyz") == 503 })
	if got := status(base + "/healthz"); got != 200 {
		t.Fatalf("healthz = %d while the database is away, want 200 (the process is alive)", got)
	}
	proxy.Up()
	eventually(t, 20*time.Second, "ready again", func() bool { return status(base+"/readyz") == 200 })
	if code := srv.signal(syscall.SIGTERM, 20*time.Second); code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0", code)
	}
}

// /metrics is served only on --metrics-listen, never on the public web port.
func TestMetricsOnlyOnTheirOwnListener(t *testing.T) {
	p := newProduct(t)
	srv := startProc(t, "serve", append(p.env(p.dbURL), "INBOXDESK_METRICS_LISTEN=127.0.0.1:0"), "serve")
	base, metricsURL := srv.webURL(), srv.listenURL("metrics listening")
	if base == metricsURL {
		t.Fatalf("metrics share the web address %s", base)
	}
	if m := body(t, metricsURL+"/metrics"); !strings.Contains(m, "inboxdesk_") {
		t.Fatalf("--metrics-listen serves no inboxdesk metrics:\n%s", m)
	}
	if got := status(base + "/metrics"); got != http.StatusNotFound {
		t.Fatalf("/metrics on the web port = %d, want 404", got)
	}
	if code := srv.signal(syscall.SIGTERM, 20*time.Second); code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0", code)
	}
	plain := startProc(t, "serve-plain", p.env(p.dbURL), "serve")
	if got := status(plain.webURL() + "/metrics"); got != http.StatusNotFound {
		t.Fatalf("/metrics without --metrics-listen = %d, want 404", got)
	}
	if len(plain.logLines("metrics listening")) != 0 {
		t.Fatal("a metrics listener was opened without --metrics-listen")
	}
}

// serve passes --trusted-authserv-id to the poller: mail that server found
// forged is held, the rest is ingested.
func TestServeHoldsForgedSenders(t *testing.T) {
	p := newProduct(t)
	for i, verdict := range []string{"dmarc=fail header.from=example.org", "dmarc=pass header.from=example.org"} {
		raw := fmt.Sprintf("Authentication-Results: mx.example.com; %s\r\nFrom: <victim@example.org>\r\n"+
			"To: support@example.com\r\nSubject: Mail %d\r\nMessage-ID: <auth%d@example.org>\r\n\r\nHello\r\n", verdict, i, i)
		if _, err := p.imap.Append("INBOX", []byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	srv := startProc(t, "serve", append(p.env(p.dbURL), "INBOXDESK_TRUSTED_AUTHSERV_ID=mx.example.com"), "serve")
	srv.webURL()
	eventually(t, 20*time.Second, "both mails handled", func() bool {
		return p.count(t, "SELECT count(*) FROM messages")+p.count(t, "SELECT count(*) FROM quarantine") == 2
	})
	if got := p.count(t, "SELECT count(*) FROM quarantine WHERE reason LIKE 'sender authentication failed%'"); got != 1 {
		t.Fatalf("%d mails held for their sender, want 1", got)
	}
	if got := p.count(t, "SELECT count(*) FROM messages WHERE message_id = 'auth1@example.org'"); got != 1 {
		t.Fatal("the mail that passed was not ingested")
	}
	if code := srv.signal(syscall.SIGTERM, 20*time.Second); code != 0 {
		t.Fatalf("exit code %d after SIGTERM", code)
	}
}

func TestServeSIGTERMDuringPollLosesNothing(t *testing.T) {
	const n = 3000
	p := newProduct(t)
	p.mail(t, n)
	srv := startProc(t, "serve", p.env(p.dbURL), "serve")
	eventually(t, 60*time.Second, "ingest under way", func() bool {
		return p.count(t, "SELECT count(*) FROM messages") > 0
	})
	if code := srv.signal(syscall.SIGTERM, 30*time.Second); code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0:\n%s", code, srv.out.String())
	}
	// What is committed is exactly the checkpoint: nothing ingested past it, nothing below it missing.
	ingested := p.count(t, "SELECT count(*) FROM messages")
	checkpoint := p.count(t, "SELECT last_uid FROM mailboxes")
	if ingested != checkpoint {
		t.Fatalf("after SIGTERM: %d messages stored but checkpoint at UID %d", ingested, checkpoint)
	}
	t.Logf("SIGTERM after %d of %d mails", ingested, n)

	poll := startProc(t, "poll", p.env(p.dbURL), "poll")
	if code := poll.wait(120 * time.Second); code != 0 {
		t.Fatalf("poll exit code %d:\n%s", code, poll.out.String())
	}
	if got := p.count(t, "SELECT count(*) FROM messages"); got != n {
		t.Fatalf("%d messages after the next poll, want %d", got, n)
	}
	if got := p.count(t, "SELECT count(DISTINCT ticket_id) FROM messages"); got != n {
		t.Fatalf("%d tickets, want %d", got, n)
	}
}

func TestTwoReplicasShareWork(t *testing.T) {
	const n = 400
	p := newProduct(t)
	a := startProc(t, "serve-a", append(p.env(p.dbURL), "INBOXDESK_METRICS_LISTEN=127.0.0.1:0"), "serve")
	b := startProc(t, "serve-b", p.env(p.dbURL), "serve")
	metricsURL := a.listenURL("metrics listening")
	b.webURL()
	p.mail(t, n)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := p.smtp.Wait(ctx, n); err != nil {
		t.Fatalf("waiting for %d alerts: %v (got %d)", n, err, len(p.smtp.Messages()))
	}
	time.Sleep(3 * time.Second) // both keep running: nothing more may be sent or ingested
	if m := body(t, metricsURL+"/metrics"); !strings.Contains(m, fmt.Sprintf(`inboxdesk_alerts{state="sent"} %d`, n)) {
		t.Fatalf("/metrics does not count %d sent alerts:\n%s", n, grepLines(m, "inboxdesk_alerts"))
	}
	for _, s := range []*proc{a, b} {
		if code := s.signal(syscall.SIGTERM, 30*time.Second); code != 0 {
			t.Fatalf("%s exit code %d", s.name, code)
		}
	}
	if got := p.count(t, "SELECT count(*) FROM messages"); got != n {
		t.Fatalf("%d messages, want %d", got, n)
	}
	if got := p.count(t, "SELECT count(*) FROM alerts WHERE state = 'sent'"); got != n {
		t.Fatalf("%d alerts sent, want %d", got, n)
	}
	ids := map[string]int{}
	for _, m := range p.smtp.Messages() {
		ids[headerValue(m.Data, "Message-Id")]++
	}
	if len(ids) != n || len(p.smtp.Messages()) != n {
		t.Fatalf("captured %d emails with %d distinct Message-IDs, want %d each", len(p.smtp.Messages()), len(ids), n)
	}
	// Each mail was fetched by exactly one replica: the fetch counts add up to n.
	fetched := map[string]int{}
	for _, s := range []*proc{a, b} {
		for _, rec := range s.logLines("polled") {
			f, _ := rec["fetched"].(float64)
			fetched[s.name] += int(f)
		}
	}
	if fetched["serve-a"]+fetched["serve-b"] != n {
		t.Fatalf("replicas fetched %v, want a total of %d (no mail fetched twice)", fetched, n)
	}
	t.Logf("fetched per replica: %v; alerts sent per replica: %d / %d", fetched,
		sentBy(a), sentBy(b))
}

func sentBy(p *proc) int { return len(p.logLines("alert sent")) }

// headerValue returns the first value of header name in a raw message.
func headerValue(raw []byte, name string) string {
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	for _, line := range strings.Split(head, "\r\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(k, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func body(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	mustNot(t, err, "GET "+url)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	mustNot(t, err, "read "+url)
	return string(b)
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
