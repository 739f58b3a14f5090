package faults_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/mail"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/devmail"
	"inboxdesk/inbound"
	"inboxdesk/link"
	"inboxdesk/outbound"
	"inboxdesk/storage"
	"inboxdesk/testenv/dovecot"
	"inboxdesk/ticket"
)

// TestMain doubles as the inboxdesk child process of the kill test.
func TestMain(m *testing.M) {
	if env := os.Getenv(childEnv); env != "" {
		os.Exit(runChild(env))
	}
	os.Exit(m.Run())
}

func enabled(t *testing.T) {
	if os.Getenv("INBOXDESK_FAULTS") == "" {
		t.Skip("fault tests run with `make test-faults` (INBOXDESK_FAULTS=1)")
	}
}

func quiet() *slog.Logger {
	if os.Getenv("INBOXDESK_FAULTS_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func storeConfig() storage.Config {
	c := storage.DefaultConfig()
	c.CoalesceWindow = 0 // one alert per new ticket, so the count is exact
	c.AlertsPerHour = 0
	c.OwnAddresses = []string{"support@example.com"} // the address supportMail writes to
	return c
}

// supportMail is mail number i of a test corpus: a new request, or, every
// tenth one after the first twenty, a reply to mail i-7 from its sender
// (which must thread into that mail's ticket).
func supportMail(prefix string, i int) []byte {
	from, irt := i, ""
	if i >= 20 && i%10 == 3 {
		from = i - 7
		irt = fmt.Sprintf("In-Reply-To: <%s%d@example.org>\r\n", prefix, i-7)
	}
	body := strings.Repeat(fmt.Sprintf("mail %d: the printer shows error %d again. ", i, i%97), 20+i%40)
	return []byte(fmt.Sprintf("From: Customer %d <c%d@example.org>\r\nTo: support@example.com\r\n"+
		"Subject: Problem %d\r\nMessage-ID: <%s%d@example.org>\r\n%sDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		from, from, i, prefix, i, irt, body))
}

func supportMails(prefix string, from, to int) [][]byte {
	var out [][]byte
	for i := from; i < to; i++ {
		out = append(out, supportMail(prefix, i))
	}
	return out
}

func isReply(i int) bool { return i >= 20 && i%10 == 3 }

// newSender sends alerts from store to the SMTP server at smtpAddr.
func newSender(store *storage.Store, smtpAddr, keyStr string, lease time.Duration) (*outbound.Sender, error) {
	keys, err := link.ParseKeys(keyStr)
	if err != nil {
		return nil, err
	}
	comp, err := outbound.NewComposer(outbound.ComposeConfig{From: ticket.Address{Email: "no-reply@example.com"},
		Keys: keys, BaseURL: mustBaseURL("https://help.example.com"), Domain: "example.com"})
	if err != nil {
		return nil, err
	}
	tr, err := outbound.NewTransport("smtp://"+smtpAddr+"?starttls=none", outbound.TransportOptions{})
	if err != nil {
		return nil, err
	}
	return outbound.NewSender(outbound.SenderConfig{Queue: store,
		Deliverers: map[string]outbound.Deliverer{"email": outbound.EmailDeliverer{Composer: comp, Mailer: tr}},
		Lease:      lease, PollInterval: 50 * time.Millisecond, RetryBase: 5 * time.Millisecond,
		RetryMax: 50 * time.Millisecond, Logger: quiet()})
}

// rig is a Dovecot mailbox, a database, a store and an SMTP capture server.
type rig struct {
	t      *testing.T
	ctx    context.Context
	dc     *dovecot.Server
	pool   *pgxpool.Pool
	store  *storage.Store
	smtp   *devmail.SMTP
	keyStr string
}

func newRig(t *testing.T, dbURL string) *rig {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	srv, err := devmail.StartSMTP(ctx, "127.0.0.1:0", devmail.SMTPOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	r := &rig{t: t, ctx: ctx, dc: dovecot.Start(t), pool: pool, store: storage.New(pool, storeConfig()),
		smtp: srv, keyStr: link.GenerateKey()}
	if _, err := r.store.AddMailbox(ctx, ticket.Mailbox{Name: "support", URL: r.dc.URL("INBOX")}); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *rig) count(query string) int {
	r.t.Helper()
	var n int
	if err := r.pool.QueryRow(r.ctx, query).Scan(&n); err != nil {
		r.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// pollUntilDone polls until a poll succeeds and finds nothing new; failed
// polls (the fault still in effect) are retried for up to a minute.
func (r *rig) pollUntilDone(p *inbound.Poller) (failed int) {
	r.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		st, err := p.Poll(r.ctx, "support")
		switch {
		case err != nil:
			failed++
			time.Sleep(50 * time.Millisecond)
		case st.Fetched == 0 && !st.Skipped:
			return failed
		}
	}
	r.t.Fatalf("polls did not finish within a minute (%d failed)", failed)
	return failed
}

// sendUntilDone runs the sender until no alert is queued or being sent.
func (r *rig) sendUntilDone(s *outbound.Sender) {
	r.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		_, _ = s.RunOnce(r.ctx)
		if r.count(`SELECT count(*) FROM alerts WHERE state IN ('queued', 'sending')`) == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.t.Fatal("alerts still queued after a minute")
}

// checkMail asserts that mails 0..n-1 of prefix are each stored exactly
// once, and that every reply is on its original's ticket.
func (r *rig) checkMail(prefix string, n int) {
	r.t.Helper()
	rows, err := r.pool.Query(r.ctx, `SELECT message_id, count(*), min(ticket_id), max(ticket_id) FROM messages GROUP BY message_id`)
	if err != nil {
		r.t.Fatal(err)
	}
	defer rows.Close()
	ticketOf := map[string]int64{}
	for rows.Next() {
		var id string
		var c int
		var lo, hi int64
		if err := rows.Scan(&id, &c, &lo, &hi); err != nil {
			r.t.Fatal(err)
		}
		if c != 1 || lo != hi {
			r.t.Errorf("mail %s stored %d times (tickets %d..%d)", id, c, lo, hi)
		}
		ticketOf[id] = lo
	}
	if err := rows.Err(); err != nil {
		r.t.Fatal(err)
	}
	if len(ticketOf) != n {
		r.t.Errorf("%d distinct mails stored, want %d", len(ticketOf), n)
	}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("%s%d@example.org", prefix, i)
		tk, ok := ticketOf[id]
		switch {
		case !ok:
			r.t.Errorf("mail %s is missing", id)
		case isReply(i) && tk != ticketOf[fmt.Sprintf("%s%d@example.org", prefix, i-7)]:
			r.t.Errorf("reply %s is not on its original's ticket", id)
		}
	}
	replies := 0
	for i := 0; i < n; i++ {
		if isReply(i) {
			replies++
		}
	}
	if got := r.count(`SELECT count(*) FROM tickets`); got != n-replies {
		r.t.Errorf("%d tickets, want %d", got, n-replies)
	}
}

// checkAlerts asserts one alert per ticket, each sent, and that the SMTP
// server received each alert's Message-ID and no other. It returns how many
// alerts were received more than once under their own Message-ID.
func (r *rig) checkAlerts() (resent int) {
	r.t.Helper()
	if got, want := r.count(`SELECT count(*) FROM alerts WHERE state = 'sent'`), r.count(`SELECT count(*) FROM tickets`); got != want {
		r.t.Errorf("%d alerts sent, want one per ticket (%d); %d in all", got, want, r.count(`SELECT count(*) FROM alerts`))
	}
	if n := r.count(`SELECT count(*) FROM (SELECT ticket_id FROM alerts GROUP BY ticket_id HAVING count(*) <> 1) x`); n != 0 {
		r.t.Errorf("%d tickets without exactly one alert", n)
	}
	rows, err := r.pool.Query(r.ctx, `SELECT message_id FROM alerts`)
	if err != nil {
		r.t.Fatal(err)
	}
	want := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			r.t.Fatal(err)
		}
		want[strings.Trim(id, "<>")] = true
	}
	rows.Close()
	got := map[string]int{}
	for _, m := range r.smtp.Messages() {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			r.t.Fatalf("captured alert does not parse: %v", err)
		}
		got[strings.Trim(msg.Header.Get("Message-ID"), "<>")]++
	}
	for id := range want {
		if got[id] == 0 {
			r.t.Errorf("alert %s never arrived", id)
		}
	}
	for id, c := range got {
		if !want[id] {
			r.t.Errorf("an alert %s that is not in the alerts table arrived", id)
		}
		resent += c - 1
	}
	return resent
}

func mustBaseURL(s string) link.BaseURL {
	u, err := link.ParseBaseURL(s)
	if err != nil {
		panic(err)
	}
	return u
}
