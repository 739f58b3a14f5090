package storage_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"
	"time"

	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

type fixture struct {
	t     *testing.T
	ctx   context.Context
	store *storage.Store
	cp    ticket.Checkpoint
	uid   uint32
}

func newFixture(t *testing.T, cfg storage.Config) *fixture {
	pool := pgtest.New(t)
	s := storage.New(pool, cfg)
	ctx := context.Background()
	id, err := s.AddMailbox(ctx, ticket.Mailbox{Name: "support", URL: "imap://u:p@127.0.0.1:1/INBOX"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ResetCheckpoint(ctx, ticket.Checkpoint{MailboxID: id}, 7); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, ctx: ctx, store: s, cp: ticket.Checkpoint{MailboxID: id, UIDValidity: 7}}
}

func testConfig() storage.Config {
	c := storage.DefaultConfig()
	c.CoalesceWindow = 0
	return c
}

// mail builds a parsed inbound message from a customer.
func mail(from, subject, body string) *ticket.Inbound {
	raw := from + subject + body
	sum := sha256.Sum256([]byte(raw))
	return &ticket.Inbound{
		MessageID:   fmt.Sprintf("%x@example.org", sum[:8]),
		From:        ticket.Address{Name: "Cust", Email: from},
		Subject:     subject,
		Text:        body,
		ContentHash: sum[:],
	}
}

// ingest commits one mail at the next UID and returns its result.
func (f *fixture) ingest(in *ticket.Inbound) ticket.Result {
	f.t.Helper()
	f.uid++
	res, err := f.store.IngestBatch(f.ctx, f.cp, []ticket.Mail{{UID: f.uid, Raw: []byte("raw"), Parsed: in}})
	if err != nil {
		f.t.Fatalf("ingest: %v", err)
	}
	f.cp.LastUID = f.uid
	return res[0]
}

func TestNewMailOpensTicketAndQueuesReceivedAlert(t *testing.T) {
	f := newFixture(t, testConfig())
	r := f.ingest(mail("ana@example.org", "Printer on fire", "help"))
	if r.Outcome != ticket.OutcomeNewTicket || r.Ticket == 0 {
		t.Fatalf("result = %+v", r)
	}
	tk, err := f.store.TicketByNumber(f.ctx, r.Ticket)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Subject != "Printer on fire" || tk.Status != ticket.StatusOpen || tk.RequesterEmail != "ana@example.org" {
		t.Fatalf("ticket = %+v", tk)
	}
	jobs, err := f.store.ClaimAlerts(f.ctx, 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].Reason != ticket.ReasonReceived || jobs[0].TicketNumber != r.Ticket ||
		jobs[0].Recipient.Email != "ana@example.org" || jobs[0].References == "" {
		t.Fatalf("jobs = %+v", jobs)
	}
}

func TestThreadingRules(t *testing.T) {
	f := newFixture(t, testConfig())
	first := mail("ana@example.org", "Login broken", "cannot log in")
	open := f.ingest(first)

	byRef := mail("ana@example.org", "Re: Login broken", "more detail")
	byRef.InReplyTo = []string{first.MessageID}
	if r := f.ingest(byRef); r.Outcome != ticket.OutcomeThreaded || r.Ticket != open.Ticket {
		t.Errorf("in-reply-to: %+v", r)
	}
	byRefs := mail("bob@example.org", "Fwd: something else", "cc'd colleague")
	byRefs.References = []string{"unknown@x", first.MessageID}
	if r := f.ingest(byRefs); r.Outcome != ticket.OutcomeThirdParty || r.Ticket != open.Ticket {
		t.Errorf("references, from someone other than the requester: %+v", r)
	}
	token := mail("ana@example.org", fmt.Sprintf("Still broken [#%d]", open.Ticket), "again")
	if r := f.ingest(token); r.Outcome != ticket.OutcomeThreaded || r.Ticket != open.Ticket {
		t.Errorf("subject token from requester: %+v", r)
	}
	stranger := mail("eve@example.org", fmt.Sprintf("Hijack [#%d]", open.Ticket), "let me in")
	if r := f.ingest(stranger); r.Outcome != ticket.OutcomeNewTicket || r.Ticket == open.Ticket {
		t.Errorf("subject token from a stranger must open a new ticket: %+v", r)
	}
	msgs, err := f.store.Messages(f.ctx, mustTicket(t, f, open.Ticket).ID, true)
	if err != nil || len(msgs) != 4 {
		t.Fatalf("messages on first ticket = %d, %v", len(msgs), err)
	}
}

func mustTicket(t *testing.T, f *fixture, n int64) *ticket.Ticket {
	t.Helper()
	tk, err := f.store.TicketByNumber(f.ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestReplyToAlertThreadsAndReopensResolved(t *testing.T) {
	f := newFixture(t, testConfig())
	open := f.ingest(mail("ana@example.org", "Refund", "please"))
	tk := mustTicket(t, f, open.Ticket)
	if _, err := f.store.Act(f.ctx, 0, ticket.ActResolve, ticket.Post{TicketID: tk.ID}); err != nil {
		t.Fatal(err)
	}
	alerts, _ := f.store.AlertsByTicket(f.ctx, tk.ID)
	reply := mail("ana@example.org", "Re: Your support ticket was updated", "not fixed")
	reply.InReplyTo = []string{alerts[len(alerts)-1].MessageID}
	r := f.ingest(reply)
	if r.Outcome != ticket.OutcomeReopened || r.Ticket != open.Ticket {
		t.Fatalf("reply to alert: %+v", r)
	}
	if got := mustTicket(t, f, open.Ticket).Status; got != ticket.StatusOpen {
		t.Fatalf("status = %s, want open", got)
	}
}

func TestMailOnOldResolvedTicketOpensLinkedTicket(t *testing.T) {
	cfg := testConfig()
	cfg.ReopenWindow = time.Nanosecond
	f := newFixture(t, cfg)
	first := mail("ana@example.org", "Invoice", "wrong amount")
	open := f.ingest(first)
	tk := mustTicket(t, f, open.Ticket)
	if _, err := f.store.Act(f.ctx, 0, ticket.ActResolve, ticket.Post{TicketID: tk.ID}); err != nil {
		t.Fatal(err)
	}
	later := mail("ana@example.org", "Re: Invoice", "again, months later")
	later.InReplyTo = []string{first.MessageID}
	r := f.ingest(later)
	if r.Outcome != ticket.OutcomeNewTicket || r.Ticket == open.Ticket {
		t.Fatalf("late reply: %+v", r)
	}
	if got := mustTicket(t, f, r.Ticket); got.LinkedTicketID != tk.ID || got.LinkedNumber != tk.Number {
		t.Fatalf("linked = %d (#%d), want %d (#%d)", got.LinkedTicketID, got.LinkedNumber, tk.ID, tk.Number)
	}
}

func TestAutoSubmittedNeverOpensTicketNorAlerts(t *testing.T) {
	f := newFixture(t, testConfig())
	ooo := mail("ana@example.org", "Out of office", "back monday")
	ooo.AutoSubmitted = "Auto-Submitted: auto-replied"
	if r := f.ingest(ooo); r.Outcome != ticket.OutcomeQuarantined {
		t.Fatalf("unthreaded auto-reply: %+v", r)
	}
	open := f.ingest(mail("ana@example.org", "Help", "x"))
	tk := mustTicket(t, f, open.Ticket)
	drain(t, f)
	alerts, _ := f.store.AlertsByTicket(f.ctx, tk.ID)
	ooo2 := mail("ana@example.org", "Automatic reply: Your support ticket", "away")
	ooo2.AutoSubmitted = "Auto-Submitted: auto-replied"
	ooo2.InReplyTo = []string{alerts[0].MessageID}
	if r := f.ingest(ooo2); r.Outcome != ticket.OutcomeAutoLogged || r.Ticket != open.Ticket {
		t.Fatalf("threaded auto-reply: %+v", r)
	}
	if jobs, _ := f.store.ClaimAlerts(f.ctx, 10, time.Minute); len(jobs) != 0 {
		t.Fatalf("auto-reply queued alerts: %+v", jobs)
	}
	msgs, _ := f.store.Messages(f.ctx, tk.ID, false)
	if len(msgs) != 1 {
		t.Fatalf("customer view shows %d messages, want the auto-reply hidden", len(msgs))
	}
}

func drain(t *testing.T, f *fixture) []ticket.AlertJob {
	t.Helper()
	jobs, err := f.store.ClaimAlerts(f.ctx, 100, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if err := f.store.MarkAlertsSent(f.ctx, []int64{j.ID}); err != nil {
			t.Fatal(err)
		}
	}
	return jobs
}

func TestBounceMarksAlertAndOpensNothing(t *testing.T) {
	f := newFixture(t, testConfig())
	open := f.ingest(mail("ana@example.org", "Help", "x"))
	jobs := drain(t, f)
	dsn := mail("mailer-daemon@example.org", "Undelivered Mail Returned to Sender", "550 no such user")
	dsn.AutoSubmitted = "delivery status notification"
	dsn.Bounce = &ticket.Bounce{OriginalMessageIDs: []string{jobs[0].MessageID}, Status: "5.1.1"}
	r := f.ingest(dsn)
	if r.Outcome != ticket.OutcomeBounce || r.Ticket != open.Ticket {
		t.Fatalf("bounce: %+v", r)
	}
	alerts, _ := f.store.AlertsByTicket(f.ctx, mustTicket(t, f, open.Ticket).ID)
	if alerts[0].State != ticket.AlertBounced {
		t.Fatalf("alert state = %s", alerts[0].State)
	}
}

func TestDuplicatesAndSameMessageIDDifferentContent(t *testing.T) {
	f := newFixture(t, testConfig())
	a := mail("ana@example.org", "Hi", "one")
	f.ingest(a)
	again := *a
	if r := f.ingest(&again); r.Outcome != ticket.OutcomeDuplicate {
		t.Fatalf("exact re-delivery: %+v", r)
	}
	other := mail("ana@example.org", "Hi", "two")
	other.MessageID = a.MessageID
	if r := f.ingest(other); r.Outcome == ticket.OutcomeDuplicate {
		t.Fatalf("same Message-ID, different content must be kept: %+v", r)
	}
}

func TestCheckpointMovedRejectsBatch(t *testing.T) {
	f := newFixture(t, testConfig())
	stale := f.cp
	f.ingest(mail("ana@example.org", "a", "a"))
	_, err := f.store.IngestBatch(f.ctx, stale, []ticket.Mail{{UID: 1, Parsed: mail("x@example.org", "b", "b")}})
	if !errors.Is(err, ticket.ErrCheckpointMoved) {
		t.Fatalf("err = %v, want ErrCheckpointMoved", err)
	}
}

func TestAgentActionsAlertsAndStaleWrite(t *testing.T) {
	f := newFixture(t, testConfig())
	open := f.ingest(mail("ana@example.org", "Help", "x"))
	drain(t, f)
	tk := mustTicket(t, f, open.Ticket)
	cases := []struct {
		act    ticket.AgentAction
		status ticket.Status
		alert  ticket.AlertReason
	}{
		{ticket.ActNote, ticket.StatusOpen, ""},
		{ticket.ActReply, ticket.StatusOpen, ticket.ReasonReplied},
		{ticket.ActRequestInfo, ticket.StatusPending, ticket.ReasonInfoRequested},
		{ticket.ActResolve, ticket.StatusResolved, ticket.ReasonResolved},
		{ticket.ActReopen, ticket.StatusOpen, ""},
	}
	for _, c := range cases {
		got, err := f.store.Act(f.ctx, 0, c.act, ticket.Post{TicketID: tk.ID, Version: tk.Version, Text: "text " + string(c.act)})
		if err != nil {
			t.Fatalf("%s: %v", c.act, err)
		}
		if got.Status != c.status {
			t.Errorf("%s: status %s, want %s", c.act, got.Status, c.status)
		}
		jobs := drain(t, f)
		if c.alert == "" && len(jobs) != 0 || c.alert != "" && (len(jobs) != 1 || jobs[0].Reason != c.alert) {
			t.Errorf("%s: alerts %+v, want %q", c.act, jobs, c.alert)
		}
		if _, err := f.store.Act(f.ctx, 0, ticket.ActNote, ticket.Post{TicketID: tk.ID, Version: tk.Version, Text: "late"}); !errors.Is(err, ticket.ErrStale) {
			t.Errorf("%s: stale write err = %v", c.act, err)
		}
		tk = got
	}
}

func TestBurstCoalescesIntoOneAlert(t *testing.T) {
	cfg := testConfig()
	cfg.CoalesceWindow = time.Hour
	f := newFixture(t, cfg)
	open := f.ingest(mail("ana@example.org", "Help", "x"))
	tk := mustTicket(t, f, open.Ticket)
	for i := 0; i < 5; i++ {
		if _, err := f.store.Act(f.ctx, 0, ticket.ActReply, ticket.Post{TicketID: tk.ID, Text: "r"}); err != nil {
			t.Fatal(err)
		}
	}
	alerts, _ := f.store.AlertsByTicket(f.ctx, tk.ID)
	if len(alerts) != 1 || alerts[0].Reason != ticket.ReasonReplied {
		t.Fatalf("alerts = %+v, want one coalesced 'replied'", alerts)
	}
}

func TestHourlyCapHolds(t *testing.T) {
	cfg := testConfig()
	cfg.AlertsPerHour = 3
	f := newFixture(t, cfg)
	sent := 0
	for i := 0; i < 6; i++ {
		f.ingest(mail("ana@example.org", fmt.Sprintf("storm %d", i), "x"))
		sent += len(drain(t, f))
	}
	if sent != 3 {
		t.Fatalf("sent %d alerts in the hour, cap is 3", sent)
	}
}

// claimAfterExpiry queues one alert and claims it twice: first with a
// lease that runs out, then again.
func claimAfterExpiry(f *fixture) (first, second []ticket.AlertJob) {
	f.ingest(mail("ana@example.org", "Help", "x"))
	first, _ = f.store.ClaimAlerts(f.ctx, 10, time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	second, _ = f.store.ClaimAlerts(f.ctx, 10, time.Minute)
	return first, second
}

func TestExpiredLeaseRedeliversSameMessageID(t *testing.T) {
	f := newFixture(t, testConfig())
	first, second := claimAfterExpiry(f)
	if len(first) != 1 || len(second) != 1 || first[0].MessageID != second[0].MessageID || second[0].Tries != 2 {
		t.Fatalf("first %+v second %+v", first, second)
	}
}

func TestQuarantineRetryAndDiscard(t *testing.T) {
	f := newFixture(t, testConfig())
	f.uid++
	res, err := f.store.IngestBatch(f.ctx, f.cp, []ticket.Mail{
		{UID: f.uid, Raw: []byte("garbage"), ParseReason: "no header"},
		{UID: f.uid + 1, Raw: []byte("more garbage"), ParseReason: "no header"},
	})
	if err != nil || res[0].Outcome != ticket.OutcomeQuarantined {
		t.Fatalf("%+v %v", res, err)
	}
	held, err := f.store.QuarantineList(f.ctx, 10)
	if err != nil || len(held) != 2 || held[0].Reason != "no header" {
		t.Fatalf("held %+v %v", held, err)
	}
	r, err := f.store.RetryQuarantined(f.ctx, held[0].ID, mail("ana@example.org", "Recovered", "hi"), false)
	if err != nil || r.Outcome != ticket.OutcomeNewTicket {
		t.Fatalf("retry %+v %v", r, err)
	}
	if _, err := f.store.RetryQuarantined(f.ctx, held[0].ID, mail("ana@example.org", "Again", "hi"), false); !errors.Is(err, ticket.ErrNotFound) {
		t.Fatalf("second retry err = %v, want not found", err)
	}
	if err := f.store.DiscardQuarantined(f.ctx, held[1].ID); err != nil {
		t.Fatal(err)
	}
	if left, _ := f.store.QuarantineList(f.ctx, 10); len(left) != 0 {
		t.Fatalf("still held: %+v", left)
	}
}

func TestAutoCloseClosesOldResolvedTickets(t *testing.T) {
	f := newFixture(t, testConfig())
	old := mustTicket(t, f, f.ingest(mail("ana@example.org", "Old", "x")).Ticket)
	fresh := mustTicket(t, f, f.ingest(mail("bob@example.org", "Fresh", "x")).Ticket)
	for _, tk := range []*ticket.Ticket{old, fresh} {
		if _, err := f.store.Act(f.ctx, 0, ticket.ActResolve, ticket.Post{TicketID: tk.ID}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.store.Pool().Exec(f.ctx, `UPDATE tickets SET resolved_at = now() - interval '8 days' WHERE id = $1`, old.ID); err != nil {
		t.Fatal(err)
	}
	n, err := f.store.AutoClose(f.ctx, 7*24*time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("closed %d, %v", n, err)
	}
	if got := mustTicket(t, f, old.Number).Status; got != ticket.StatusClosed {
		t.Fatalf("old ticket %s", got)
	}
	if got := mustTicket(t, f, fresh.Number).Status; got != ticket.StatusResolved {
		t.Fatalf("fresh ticket %s", got)
	}
}

func TestQueueFiltersAndSearch(t *testing.T) {
	f := newFixture(t, testConfig())
	a := mustTicket(t, f, f.ingest(mail("ana@example.org", "Printer jam", "the tray squeaks loudly")).Ticket)
	b := mustTicket(t, f, f.ingest(mail("bob@example.org", "Invoice", "wrong total on order 4471")).Ticket)
	if _, err := f.store.Act(f.ctx, 0, ticket.ActResolve, ticket.Post{TicketID: b.ID}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		filter ticket.QueueFilter
		want   []int64
	}{
		{"all", ticket.QueueFilter{}, []int64{b.Number, a.Number}},
		{"open", ticket.QueueFilter{Status: ticket.StatusOpen}, []int64{a.Number}},
		{"body word", ticket.QueueFilter{Search: "squeaks"}, []int64{a.Number}},
		{"subject word", ticket.QueueFilter{Search: "invoice"}, []int64{b.Number}},
		{"number", ticket.QueueFilter{Search: fmt.Sprintf("#%d", a.Number)}, []int64{a.Number}},
		{"bare number", ticket.QueueFilter{Search: fmt.Sprint(a.Number)}, []int64{a.Number}},
		{"number in the text", ticket.QueueFilter{Search: "4471"}, []int64{b.Number}},
		{"#number is only a ticket", ticket.QueueFilter{Search: "#4471"}, nil},
		{"address", ticket.QueueFilter{Search: "bob@"}, []int64{b.Number}},
		{"unassigned", ticket.QueueFilter{Assignee: "unassigned", Status: ticket.StatusResolved}, []int64{b.Number}},
		{"nothing", ticket.QueueFilter{Search: "zebra"}, nil},
	}
	for _, c := range cases {
		p, err := f.store.Queue(f.ctx, c.filter)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got []int64
		for _, s := range p.Tickets {
			got = append(got, s.Number)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) || p.Total != len(c.want) {
			t.Errorf("%s: got %v (total %d), want %v", c.name, got, p.Total, c.want)
		}
	}
	p, _ := f.store.Queue(f.ctx, ticket.QueueFilter{})
	if p.Counts[ticket.StatusOpen] != 1 || p.Counts[ticket.StatusResolved] != 1 {
		t.Errorf("counts %v", p.Counts)
	}
}

// A server that hands out a UID again under the same UIDVALIDITY (an
// in-memory server restarted, say) must not make new mail look known.
func TestReusedUIDLosesNoMail(t *testing.T) {
	f := newFixture(t, testConfig())
	first := mail("ana@example.org", "Printer", "it beeps")
	f.ingest(first) // UID 1
	if err := f.store.ResetCheckpoint(f.ctx, f.cp, f.cp.UIDValidity); err != nil {
		t.Fatal(err)
	}
	f.cp.LastUID, f.uid = 0, 0
	again := *first
	other := mail("bo@example.org", "Login", "cannot sign in")
	res, err := f.store.IngestBatch(f.ctx, f.cp, []ticket.Mail{
		{UID: 1, Raw: []byte("raw"), Parsed: other},  // UID 1 again, other mail
		{UID: 2, Raw: []byte("raw"), Parsed: &again}, // the first mail, now at UID 2
	})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Outcome != ticket.OutcomeNewTicket || res[1].Outcome != ticket.OutcomeDuplicate {
		t.Fatalf("outcomes %+v: want the new mail kept and the old one recognised", res)
	}
	var n, withoutUID int
	if err := f.store.Pool().QueryRow(f.ctx, `SELECT count(*), count(*) FILTER (WHERE uid IS NULL) FROM messages`).
		Scan(&n, &withoutUID); err != nil {
		t.Fatal(err)
	}
	if n != 2 || withoutUID != 1 {
		t.Fatalf("%d messages (%d without UID), want 2 (1)", n, withoutUID)
	}
	// Fetching the same two again (a crash before the checkpoint moved) stores nothing.
	if err := f.store.ResetCheckpoint(f.ctx, ticket.Checkpoint{MailboxID: f.cp.MailboxID,
		UIDValidity: f.cp.UIDValidity, LastUID: 2}, f.cp.UIDValidity); err != nil {
		t.Fatal(err)
	}
	res, err = f.store.IngestBatch(f.ctx, f.cp, []ticket.Mail{
		{UID: 1, Raw: []byte("raw"), Parsed: other}, {UID: 2, Raw: []byte("raw"), Parsed: &again}})
	if err != nil || res[0].Outcome != ticket.OutcomeDuplicate || res[1].Outcome != ticket.OutcomeDuplicate {
		t.Fatalf("re-fetch: %+v %v, want two duplicates", res, err)
	}
}

// Removing a mailbox and adding it again (the way to change its address or
// password) scans it from the start: mail ingested before is recognised, not
// opened again as new tickets with new acknowledgements.
func TestReAddedMailboxIngestsNothingTwice(t *testing.T) {
	f := newFixture(t, testConfig())
	first := mail("ana@example.org", "Printer", "it beeps")
	r := f.ingest(first)
	if err := f.store.RemoveMailbox(f.ctx, "support"); err != nil {
		t.Fatal(err)
	}
	id, err := f.store.AddMailbox(f.ctx, ticket.Mailbox{Name: "support", URL: "imap://u:p2@127.0.0.1:1/INBOX"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.ResetCheckpoint(f.ctx, ticket.Checkpoint{MailboxID: id}, 7); err != nil {
		t.Fatal(err)
	}
	f.cp, f.uid = ticket.Checkpoint{MailboxID: id, UIDValidity: 7}, 0
	again := *first
	if res := f.ingest(&again); res.Outcome != ticket.OutcomeDuplicate {
		t.Fatalf("the same mail in the re-added mailbox: %+v, want a duplicate of ticket %d", res, r.Ticket)
	}
	var tickets, alerts int
	if err := f.store.Pool().QueryRow(f.ctx, `SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM alerts)`).
		Scan(&tickets, &alerts); err != nil {
		t.Fatal(err)
	}
	if tickets != 1 || alerts != 1 {
		t.Fatalf("%d tickets, %d alerts; want 1 and 1", tickets, alerts)
	}
	if res := f.ingest(mail("bo@example.org", "Login", "cannot sign in")); res.Outcome != ticket.OutcomeNewTicket {
		t.Fatalf("new mail in the re-added mailbox: %+v", res)
	}
}

// A form sent twice (a double click) stores the reply once; the same words
// sent again later, or with another file, are a new message.
func TestCustomerReplySentTwiceIsStoredOnce(t *testing.T) {
	f := newFixture(t, testConfig())
	open := f.ingest(mail("ana@example.org", "Help", "x"))
	tk := mustTicket(t, f, open.Ticket)
	reply := ticket.Post{TicketID: tk.ID, Text: "Here is the receipt",
		Attachments: []ticket.Attachment{{Filename: "r.txt", ContentType: "text/plain", Data: []byte("TX-88120")}}}
	for range 2 {
		if _, err := f.store.CustomerReply(f.ctx, tk.RequesterID, reply); err != nil {
			t.Fatal(err)
		}
	}
	count := func() int {
		msgs, err := f.store.Messages(f.ctx, tk.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		return len(msgs)
	}
	if got := count(); got != 2 {
		t.Fatalf("%d messages after a double submit, want 2 (the mail and one reply)", got)
	}
	other := reply
	other.Attachments = []ticket.Attachment{{Filename: "r.txt", ContentType: "text/plain", Data: []byte("TX-88121")}}
	if _, err := f.store.CustomerReply(f.ctx, tk.RequesterID, other); err != nil {
		t.Fatal(err)
	}
	if got := count(); got != 3 {
		t.Fatalf("%d messages: the same words with another file must be a new message", got)
	}
}

// Agents find a customer's tickets by part of their name or address too.
func TestQueueSearchFindsCustomersByNameAndAddress(t *testing.T) {
	f := newFixture(t, testConfig())
	in := mail("carla.nunez@shop.example", "Hello", "a question")
	in.From.Name = "Carla Núñez"
	c := mustTicket(t, f, f.ingest(in).Ticket)
	f.ingest(mail("dan@example.org", "Other", "unrelated"))
	for _, q := range []string{"carla", "Núñez", "nunez@shop", "shop.example", "carla núñez"} {
		p, err := f.store.Queue(f.ctx, ticket.QueueFilter{Search: q})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 1 || p.Tickets[0].Number != c.Number {
			t.Errorf("search %q: %+v, want only ticket %d", q, p.Tickets, c.Number)
		}
	}
}

// Releasing claimed alerts puts them back with their claim's try taken
// back, but leaves an alert that was claimed again meanwhile to that claim.
func TestReleaseAlertsLeavesANewerClaimAlone(t *testing.T) {
	f := newFixture(t, testConfig())
	stale, current := claimAfterExpiry(f)
	if len(stale) != 1 || len(current) != 1 {
		t.Fatalf("claims %+v %+v", stale, current)
	}
	if err := f.store.ReleaseAlerts(f.ctx, stale); err != nil {
		t.Fatal(err)
	}
	if again, _ := f.store.ClaimAlerts(f.ctx, 10, time.Minute); len(again) != 0 {
		t.Fatalf("a stale release handed out an alert another sender holds: %+v", again)
	}
	if err := f.store.ReleaseAlerts(f.ctx, current); err != nil {
		t.Fatal(err)
	}
	again, _ := f.store.ClaimAlerts(f.ctx, 10, time.Minute)
	if len(again) != 1 || again[0].Tries != current[0].Tries {
		t.Fatalf("after release: %+v, want the alert again with the released claim's try taken back (%d tries)", again, current[0].Tries)
	}
}
