package inbound_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/devmail"
	"inboxdesk/inbound"
	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/testenv/syncbuf"
	"inboxdesk/ticket"
)

// rig is a database, an in-process IMAP server and a mailbox pointing at it.
type rig struct {
	t     *testing.T
	ctx   context.Context
	pool  *pgxpool.Pool
	store *storage.Store
	imap  *devmail.IMAP
	url   string
}

func newRig(t *testing.T) *rig {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.New(t)
	srv, err := devmail.StartIMAP(ctx, "127.0.0.1:0", "support", "secret", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	r := &rig{t: t, ctx: ctx, pool: pool, store: storage.New(pool, testStoreConfig()), imap: srv,
		url: "imap://support:secret@" + srv.Addr() + "/INBOX"}
	if _, err := r.store.AddMailbox(ctx, ticket.Mailbox{Name: "support", URL: r.url}); err != nil {
		t.Fatal(err)
	}
	return r
}

func testStoreConfig() storage.Config {
	c := storage.DefaultConfig()
	c.CoalesceWindow = 0
	c.OwnAddresses = []string{"support@example.org"} // the address customerMail writes to
	return c
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func (r *rig) poller(opts inbound.Options) *inbound.Poller {
	return inbound.NewPoller(r.store, quietLog(), opts)
}

func (r *rig) append(raw string) uint32 {
	r.t.Helper()
	uid, err := r.imap.Append("INBOX", []byte(raw))
	if err != nil {
		r.t.Fatal(err)
	}
	return uid
}

func (r *rig) poll(p *inbound.Poller) inbound.Stats {
	r.t.Helper()
	st, err := p.Poll(r.ctx, "support")
	if err != nil {
		r.t.Fatalf("poll: %v", err)
	}
	return st
}

// count returns a single number from SQL.
func (r *rig) count(sql string, args ...any) int {
	r.t.Helper()
	var n int
	if err := r.pool.QueryRow(r.ctx, sql, args...).Scan(&n); err != nil {
		r.t.Fatal(err)
	}
	return n
}

// customerMail is a plain customer email.
func customerMail(from, msgID, subject, body string, extra ...string) string {
	h := []string{
		"From: Customer <" + from + ">",
		"To: support@example.org",
		"Subject: " + subject,
		"Message-ID: <" + msgID + ">",
		"Date: Mon, 23 Nov 2026 10:00:00 +0000",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
	}
	h = append(h, extra...)
	return strings.Join(h, "\r\n") + "\r\n\r\n" + body + "\r\n"
}

func TestPollIngestsEveryMailOnceAndSecondPollIsNoop(t *testing.T) {
	r := newRig(t)
	const n = 25
	for i := 0; i < n; i++ {
		r.append(customerMail(fmt.Sprintf("c%d@example.org", i%5), fmt.Sprintf("m%d@example.org", i),
			fmt.Sprintf("Problem %d", i), "please help"))
	}
	p := r.poller(inbound.Options{BatchMessages: 7})
	st := r.poll(p)
	if st.Fetched != n || st.Outcomes[ticket.OutcomeNewTicket] != n {
		t.Fatalf("first poll: %+v", st)
	}
	if got := r.count(`SELECT count(*) FROM messages`); got != n {
		t.Fatalf("messages = %d, want %d", got, n)
	}
	if got := r.count(`SELECT count(*) FROM tickets WHERE subject LIKE 'Problem %'`); got != n {
		t.Fatalf("tickets = %d", got)
	}
	if got := r.count(`SELECT last_uid FROM mailboxes`); got != n {
		t.Fatalf("checkpoint last_uid = %d", got)
	}
	if st := r.poll(p); st.Fetched != 0 {
		t.Fatalf("second poll fetched %d", st.Fetched)
	}
	if got := r.count(`SELECT count(*) FROM messages`); got != n {
		t.Fatalf("after second poll messages = %d", got)
	}
}

func TestRepliesThreadIntoTheirTicket(t *testing.T) {
	r := newRig(t)
	r.append(customerMail("ana@example.org", "first@example.org", "Cannot pay", "card declined"))
	r.append(customerMail("ana@example.org", "second@example.org", "Re: Cannot pay", "tried again",
		"In-Reply-To: <first@example.org>", "References: <first@example.org>"))
	st := r.poll(r.poller(inbound.Options{}))
	if st.Outcomes[ticket.OutcomeNewTicket] != 1 || st.Outcomes[ticket.OutcomeThreaded] != 1 {
		t.Fatalf("outcomes %+v", st.Outcomes)
	}
	if got := r.count(`SELECT count(DISTINCT ticket_id) FROM messages`); got != 1 {
		t.Fatalf("mails on %d tickets, want 1", got)
	}
}

func TestTwoPollersTogetherIngestEachMailOnce(t *testing.T) {
	r := newRig(t)
	const n = 60
	for i := 0; i < n; i++ {
		r.append(customerMail("ana@example.org", fmt.Sprintf("x%d@example.org", i), fmt.Sprintf("S%d", i), "b"))
	}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		pool, err := pgxpool.New(r.ctx, r.pool.Config().ConnString())
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		p := inbound.NewPoller(storage.New(pool, testStoreConfig()), quietLog(), inbound.Options{BatchMessages: 5})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				if _, err := p.Poll(r.ctx, "support"); err != nil {
					t.Errorf("poll: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	r.poll(r.poller(inbound.Options{}))
	if got := r.count(`SELECT count(*) FROM messages`); got != n {
		t.Fatalf("messages = %d, want %d", got, n)
	}
}

func TestUIDValidityChangeDuplicatesNothing(t *testing.T) {
	r := newRig(t)
	var raws []string
	for i := 0; i < 10; i++ {
		raws = append(raws, customerMail("ana@example.org", fmt.Sprintf("u%d@example.org", i), fmt.Sprintf("S%d", i), "b"))
		r.append(raws[i])
	}
	p := r.poller(inbound.Options{})
	r.poll(p)
	if err := r.imap.RecreateMailbox("INBOX"); err != nil {
		t.Fatal(err)
	}
	for _, raw := range raws {
		r.append(raw)
	}
	r.append(customerMail("ana@example.org", "new@example.org", "Brand new", "b"))
	st := r.poll(p)
	if st.Outcomes[ticket.OutcomeDuplicate] != 10 || st.Outcomes[ticket.OutcomeNewTicket] != 1 {
		t.Fatalf("re-scan outcomes %+v", st.Outcomes)
	}
	if got := r.count(`SELECT count(*) FROM messages`); got != 11 {
		t.Fatalf("messages = %d, want 11", got)
	}
}

func TestSameMessageIDDifferentContentKeptExactRedeliveryNot(t *testing.T) {
	r := newRig(t)
	a := customerMail("ana@example.org", "same@example.org", "Hello", "first body")
	r.append(a)
	r.append(a) // exact re-delivery
	// The same mail again by another route: only the delivery path's fields differ.
	r.append("Return-Path: <ana@example.org>\r\nReceived: from mx2.example.com by imap.example.com; Mon, 30 Nov 2026 10:01:00 +0000\r\n" +
		"Delivered-To: help@example.com\r\n" + a)
	r.append(customerMail("ana@example.org", "same@example.org", "Hello", "a different body"))
	st := r.poll(r.poller(inbound.Options{}))
	if st.Outcomes[ticket.OutcomeDuplicate] != 2 {
		t.Fatalf("outcomes %+v", st.Outcomes)
	}
	if got := r.count(`SELECT count(*) FROM messages WHERE message_id = 'same@example.org'`); got != 2 {
		t.Fatalf("stored %d, want 2", got)
	}
}

func TestOutOfOfficeAndBounceOpenNoTicket(t *testing.T) {
	r := newRig(t)
	r.append(customerMail("ana@example.org", "ooo@example.org", "Out of office: back Monday", "away",
		"Auto-Submitted: auto-replied"))
	r.append(strings.Join([]string{
		"From: Mail Delivery System <MAILER-DAEMON@example.org>",
		"To: noreply@example.org",
		"Subject: Undelivered Mail Returned to Sender",
		"Message-ID: <dsn1@example.org>",
		"MIME-Version: 1.0",
		`Content-Type: multipart/report; report-type=delivery-status; boundary="B"`,
		"", "--B", "Content-Type: text/plain", "", "Delivery failed.", "--B",
		"Content-Type: message/delivery-status", "",
		"Reporting-MTA: dns; mx.example.org", "", "Final-Recipient: rfc822; gone@example.org",
		"Action: failed", "Status: 5.1.1", "Diagnostic-Code: smtp; 550 5.1.1 no such user", "",
		"--B", "Content-Type: text/rfc822-headers", "", "Message-ID: <alert.unknown@example.org>", "", "--B--", ""},
		"\r\n"))
	r.append(customerMail("list@example.org", "bulk@example.org", "Newsletter", "buy", "Precedence: bulk"))
	st := r.poll(r.poller(inbound.Options{}))
	if got := r.count(`SELECT count(*) FROM tickets`); got != 0 {
		t.Fatalf("tickets = %d, want 0 (outcomes %+v)", got, st.Outcomes)
	}
	if got := r.count(`SELECT count(*) FROM quarantine WHERE reason LIKE 'auto-submitted%'`); got != 3 {
		t.Fatalf("quarantined as auto-submitted = %d, want 3", got)
	}
	if got := r.count(`SELECT count(*) FROM alerts`); got != 0 {
		t.Fatalf("alerts = %d", got)
	}
}

func TestHostileMailIsQuarantinedQuicklyAndCheckpointMovesOn(t *testing.T) {
	r := newRig(t)
	var deep strings.Builder
	deep.WriteString("From: a@example.org\r\nSubject: deep\r\nMIME-Version: 1.0\r\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&deep, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i)
	}
	deep.WriteString("Content-Type: text/plain\r\n\r\nbottom\r\n")
	r.append(deep.String())
	big := customerMail("ana@example.org", "big@example.org", "Huge", strings.Repeat("x", 2<<20))
	r.append(big)
	r.append(customerMail("ana@example.org", "ok@example.org", "Fine", "normal mail"))
	opts := inbound.DefaultOptions()
	opts.Limits.MaxSize = 1 << 20
	start := time.Now()
	st := r.poll(r.poller(opts))
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("poll took %s", took)
	}
	if st.Outcomes[ticket.OutcomeQuarantined] != 2 || st.Outcomes[ticket.OutcomeNewTicket] != 1 {
		t.Fatalf("outcomes %+v", st.Outcomes)
	}
	rows, _ := r.pool.Query(r.ctx, `SELECT reason FROM quarantine ORDER BY uid`)
	var reasons []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		reasons = append(reasons, s)
	}
	if len(reasons) != 2 || !strings.Contains(reasons[0], "nest") || !strings.Contains(reasons[1], "limit") {
		t.Fatalf("reasons %q", reasons)
	}
	if got := r.count(`SELECT last_uid FROM mailboxes`); got != 3 {
		t.Fatalf("checkpoint %d, want 3", got)
	}
	// The over-size mail was held with its header only: it cannot be retried
	// into an empty ticket, and says where the whole mail is.
	held, err := r.store.QuarantineList(r.ctx, 10)
	if err != nil || len(held) != 2 || held[0].HeadersOnly == held[1].HeadersOnly {
		t.Fatalf("quarantine list %+v %v: want exactly one headers-only row", held, err)
	}
	for _, q := range held {
		if q.HeadersOnly {
			_, err := r.store.RetryQuarantined(r.ctx, q.ID, &ticket.Inbound{}, false)
			if !errors.Is(err, ticket.ErrHeadersOnly) {
				t.Fatalf("retry of a headers-only mail: %v, want ErrHeadersOnly", err)
			}
		}
	}
	if got := r.count(`SELECT count(*) FROM quarantine WHERE state = 'held'`); got != 2 {
		t.Fatalf("a refused retry changed the quarantine: %d held", got)
	}
}

// After a batch commits, its mail is marked \Seen and moved to the processed
// folder when the mailbox asks for it; later mail is still found, and
// nothing is ingested twice.
func TestMailIsTidiedAfterCommit(t *testing.T) {
	r := newRig(t)
	if err := r.imap.CreateMailbox("Processed"); err != nil {
		t.Fatal(err)
	}
	if err := r.store.RemoveMailbox(r.ctx, "support"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.store.AddMailbox(r.ctx, ticket.Mailbox{Name: "support", URL: r.url, MarkSeen: true,
		ProcessedFolder: "Processed"}); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		r.append(customerMail("ana@example.org", fmt.Sprintf("t%d@example.org", i), fmt.Sprintf("Tidy %d", i), "x"))
	}
	p := r.poller(inbound.Options{BatchMessages: 2})
	defer p.Close()
	if st := r.poll(p); st.Outcomes[ticket.OutcomeNewTicket] != 5 {
		t.Fatalf("first poll %+v", st.Outcomes)
	}
	inbox, _, err := r.imap.Counts("INBOX")
	if err != nil {
		t.Fatal(err)
	}
	moved, unseen, err := r.imap.Counts("Processed")
	if err != nil {
		t.Fatal(err)
	}
	if inbox != 0 || moved != 5 || unseen != 0 {
		t.Fatalf("INBOX %d, Processed %d (%d unseen): want 0, 5 (0)", inbox, moved, unseen)
	}
	r.append(customerMail("bo@example.org", "later@example.org", "Later", "y"))
	if st := r.poll(p); st.Fetched != 1 || st.Outcomes[ticket.OutcomeNewTicket] != 1 {
		t.Fatalf("poll after tidying %+v", st)
	}
	if got := r.count(`SELECT count(*) FROM messages`); got != 6 {
		t.Fatalf("%d messages, want 6", got)
	}
}

// The first poll of a big mailbox says how far it is: messages done, the
// rate and what remains, then a summary.
func TestLongPollLogsProgress(t *testing.T) {
	r := newRig(t)
	const n = 60
	for i := range n {
		r.append(customerMail("ana@example.org", fmt.Sprintf("p%d@example.org", i), fmt.Sprintf("P %d", i), "x"))
	}
	var logs syncbuf.Buffer
	p := inbound.NewPoller(r.store, slog.New(slog.NewJSONHandler(&logs, nil)),
		inbound.Options{BatchMessages: 10, ProgressEvery: time.Nanosecond})
	defer p.Close()
	r.poll(p)
	var steps []map[string]any
	var done map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		switch rec["msg"] {
		case "ingesting":
			steps = append(steps, rec)
		case "poll done":
			done = rec
		}
	}
	if len(steps) < 3 || done == nil {
		t.Fatalf("%d progress lines and summary %v; want several and a summary:\n%s", len(steps), done, logs.String())
	}
	last := steps[len(steps)-1]
	if last["done"].(float64)+last["remaining"].(float64) != n || last["per_second"] == nil {
		t.Fatalf("progress line %v does not add up to %d", last, n)
	}
	if done["messages"].(float64) != n {
		t.Fatalf("summary %v, want %d messages", done, n)
	}
}
