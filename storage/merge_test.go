package storage_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/storage"
	"inboxdesk/ticket"
)

// duplicatePair makes the duplicate a merge is for: Ana's mail reached two
// mailboxes (ticket A from the first, B from the second); on B she then
// sends a file and copies Carl; on A the team replies and she writes again.
type duplicatePair struct {
	a, b       *ticket.Ticket
	first, onB *ticket.Inbound
}

func newDuplicatePair(t *testing.T, f *fixture) duplicatePair {
	t.Helper()
	second, err := f.store.AddMailbox(f.ctx, ticket.Mailbox{Name: "sales", URL: "imap://u:p@127.0.0.1:1/Sales"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.ResetCheckpoint(f.ctx, ticket.Checkpoint{MailboxID: second}, 3); err != nil {
		t.Fatal(err)
	}
	cp2 := ticket.Checkpoint{MailboxID: second, UIDValidity: 3}
	in2 := func(in *ticket.Inbound) ticket.Result {
		res, err := f.store.IngestBatch(f.ctx, cp2, []ticket.Mail{{UID: cp2.LastUID + 1, Raw: []byte("raw"), Parsed: in}})
		if err != nil {
			t.Fatal(err)
		}
		cp2.LastUID++
		return res[0]
	}
	first := mail("ana@example.org", "Printer on fire", "smoke")
	a := mustTicket(t, f, f.ingest(first).Ticket)
	copyOf := *first
	copyOf.ContentHash = append([]byte("other delivery"), first.ContentHash...)
	b := mustTicket(t, f, in2(&copyOf).Ticket)
	if a.ID == b.ID {
		t.Fatal("the second delivery threaded into the first ticket")
	}
	if _, err := f.store.Act(f.ctx, 0, ticket.ActReply, ticket.Post{TicketID: a.ID, Text: "we are on it"}); err != nil {
		t.Fatal(err)
	}
	onB := mail("ana@example.org", fmt.Sprintf("Re: Printer [#%d]", b.Number), "photo attached")
	onB.Cc = []ticket.Address{{Email: "carl@example.org"}}
	onB.Attachments = []ticket.Attachment{{Filename: "smoke.txt", ContentType: "text/plain", Data: []byte("grey")}}
	if r := in2(onB); r.Ticket != b.Number {
		t.Fatalf("ana's mail on B: %+v", r)
	}
	if r := f.ingest(mail("ana@example.org", fmt.Sprintf("Re: [#%d]", a.Number), "still smoking")); r.Ticket != a.Number {
		t.Fatalf("ana's mail on A: %+v", r)
	}
	drain(t, f)
	return duplicatePair{a: a, b: b, first: first, onB: onB}
}

// Merging B into A keeps every message once, in time order, with its
// files; B's people follow A, are told once, and B's number, [#B] token
// and its mails' Message-IDs lead to A.
func TestMergeMovesEverythingOnce(t *testing.T) {
	f := newFixture(t, testConfig())
	p := newDuplicatePair(t, f)
	bAlerts, _ := f.store.AlertsByTicket(f.ctx, p.b.ID)
	merged, err := f.store.Merge(f.ctx, 0, p.b.ID, p.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if merged.ID != p.a.ID {
		t.Fatalf("merge returned %+v", merged)
	}
	msgs, err := f.store.Messages(f.ctx, p.a.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for i, m := range msgs {
		texts = append(texts, m.Text)
		if i > 0 && m.CreatedAt.Before(msgs[i-1].CreatedAt) {
			t.Errorf("message %d is older than the one before it", m.ID)
		}
	}
	if want := []string{"smoke", "we are on it", "photo attached", "still smoking"}; !slices.Equal(texts, want) {
		t.Fatalf("merged conversation = %q, want %q (each once, in order)", texts, want)
	}
	if len(msgs[2].Attachments) != 1 {
		t.Fatalf("the file did not move: %+v", msgs[2])
	}
	if att, err := f.store.Attachment(f.ctx, msgs[2].Attachments[0].ID); err != nil || att.TicketID != p.a.ID {
		t.Fatalf("attachment belongs to %v, %v", att, err)
	}
	if n, _, _ := f.store.ConversationStamp(f.ctx, p.a.ID, true); n != 4 {
		t.Fatalf("stamp counts %d messages", n)
	}
	if left, _ := f.store.Messages(f.ctx, p.b.ID, true); len(left) != 0 {
		t.Fatalf("B still holds %d messages", len(left))
	}
	if got := participantEmails(t, f, p.a.ID); !slices.Equal(got, []string{"carl@example.org"}) {
		t.Fatalf("A's participants = %v", got)
	}
	if got := alertRecipients(t, f); !slices.Equal(got, []string{"ana@example.org:merged", "carl@example.org:merged"}) {
		t.Fatalf("alerts = %v, want B's people told once", got)
	}
	b := mustTicket(t, f, p.b.Number)
	if b.MergedIntoID != p.a.ID || b.MergedNumber != p.a.Number || b.Status != ticket.StatusClosed {
		t.Fatalf("B after the merge: %+v", b)
	}
	if evs, _ := f.store.Events(f.ctx, p.a.ID); evs[len(evs)-1].Kind != "merged" {
		t.Fatalf("A's last event = %+v", evs[len(evs)-1])
	}
	mine, _ := f.store.TicketsByCustomer(f.ctx, p.a.RequesterID)
	if len(mine) != 1 || mine[0].ID != p.a.ID {
		t.Fatalf("My tickets after the merge = %+v", mine)
	}

	// Mail to B's token, to B's mails and to B's alerts lands on A.
	carl := mail("carl@example.org", fmt.Sprintf("Re: [#%d]", p.b.Number), "carl here")
	byMail := mail("ana@example.org", "Re: photo", "see photo")
	byMail.InReplyTo = []string{p.onB.MessageID}
	byAlert := mail("ana@example.org", "Re: alert", "answering the alert")
	byAlert.References = []string{bAlerts[0].MessageID}
	for _, in := range []*ticket.Inbound{carl, byMail, byAlert} {
		if r := f.ingest(in); r.Ticket != p.a.Number || r.Outcome != ticket.OutcomeThreaded {
			t.Errorf("%q: %+v, want threaded into A (#%d)", in.Text, r, p.a.Number)
		}
	}
}

func TestMergeRefusals(t *testing.T) {
	f := newFixture(t, testConfig())
	p := newDuplicatePair(t, f)
	other := mustTicket(t, f, f.ingest(mail("zed@example.org", "Other", "x")).Ticket)
	if _, err := f.store.Merge(f.ctx, 0, p.a.ID, p.a.ID); !errors.Is(err, ticket.ErrSameTicket) {
		t.Errorf("into itself: %v", err)
	}
	if _, err := f.store.Merge(f.ctx, 0, p.b.ID, p.a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Merge(f.ctx, 0, other.ID, p.b.ID); !errors.Is(err, ticket.ErrMerged) {
		t.Errorf("into a merged ticket: %v", err)
	}
	if _, err := f.store.Merge(f.ctx, 0, p.b.ID, other.ID); !errors.Is(err, ticket.ErrMerged) {
		t.Errorf("a merged ticket again: %v", err)
	}
	if _, err := f.store.Merge(f.ctx, 0, 999999, p.a.ID); !errors.Is(err, ticket.ErrNotFound) {
		t.Errorf("a missing ticket: %v", err)
	}
}

// snapshot is what a merge or split may change, to compare before and after.
func snapshot(t *testing.T, f *fixture) string {
	t.Helper()
	var s string
	err := f.store.Pool().QueryRow(f.ctx, `SELECT
		(SELECT string_agg(id || ':' || ticket_id || ':' || coalesce(duplicate_of, 0), ',' ORDER BY id) FROM messages) || '|' ||
		(SELECT string_agg(ticket_id || ':' || customer_id || ':' || (removed_at IS NULL), ',' ORDER BY ticket_id, customer_id) FROM participants) || '|' ||
		(SELECT string_agg(id || ':' || ticket_id || ':' || reason, ',' ORDER BY id) FROM alerts) || '|' ||
		(SELECT string_agg(id || ':' || status || ':' || coalesce(merged_into_id, 0) || ':' || version, ',' ORDER BY id) FROM tickets) || '|' ||
		(SELECT count(*) FROM events)`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// failOnEvent makes the database refuse the event kind: a merge or split
// fails after it moved messages, on its next-to-last step.
func failOnEvent(t *testing.T, pool *pgxpool.Pool, kind string) func() {
	t.Helper()
	ctx := context.Background()
	_, err := pool.Exec(ctx, `
		CREATE FUNCTION fail_event() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'injected failure'; END $$;
		CREATE TRIGGER fail_event BEFORE INSERT ON events FOR EACH ROW
			WHEN (NEW.kind = '`+kind+`') EXECUTE FUNCTION fail_event();`)
	if err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := pool.Exec(ctx, `DROP TRIGGER fail_event ON events; DROP FUNCTION fail_event()`); err != nil {
			t.Fatal(err)
		}
	}
}

// A merge or split that fails half-way leaves everything as before; run
// again, it completes.
func TestMergeAndSplitAreOneTransaction(t *testing.T) {
	f := newFixture(t, testConfig())
	p := newDuplicatePair(t, f)
	before := snapshot(t, f)
	restore := failOnEvent(t, f.store.Pool(), "merged_into")
	if _, err := f.store.Merge(f.ctx, 0, p.b.ID, p.a.ID); err == nil {
		t.Fatal("the injected failure did not fail the merge")
	}
	if got := snapshot(t, f); got != before {
		t.Fatalf("a failed merge changed the database:\nbefore %s\nafter  %s", before, got)
	}
	restore()
	msgs, _ := f.store.Messages(f.ctx, p.a.ID, true)
	before = snapshot(t, f)
	restore = failOnEvent(t, f.store.Pool(), "split_from")
	if _, err := f.store.Split(f.ctx, 0, p.a.ID, msgs[1].ID); err == nil {
		t.Fatal("the injected failure did not fail the split")
	}
	if got := snapshot(t, f); got != before {
		t.Fatalf("a failed split changed the database:\nbefore %s\nafter  %s", before, got)
	}
	restore()
	if _, err := f.store.Merge(f.ctx, 0, p.b.ID, p.a.ID); err != nil {
		t.Fatal(err)
	}
}

// Split moves the chosen message and those after it to a new ticket that
// continues the old one, and nothing else.
func TestSplitMovesChosenMessagesOnly(t *testing.T) {
	f := newFixture(t, testConfig())
	first := mail("ana@example.org", "Printer", "printer broken")
	first.Cc = []ticket.Address{{Email: "bob@example.org"}}
	r := f.ingest(first)
	tk := mustTicket(t, f, r.Ticket)
	if _, err := f.store.Act(f.ctx, 0, ticket.ActReply, ticket.Post{TicketID: tk.ID, Text: "restart it"}); err != nil {
		t.Fatal(err)
	}
	vpn := mail("ana@example.org", fmt.Sprintf("VPN too [#%d]", r.Ticket), "and the VPN is down")
	vpn.Attachments = []ticket.Attachment{{Filename: "vpn.txt", ContentType: "text/plain", Data: []byte("log")}}
	f.ingest(vpn)
	if _, err := f.store.Act(f.ctx, 0, ticket.ActReply, ticket.Post{TicketID: tk.ID, Text: "VPN fixed"}); err != nil {
		t.Fatal(err)
	}
	drain(t, f)
	msgs, _ := f.store.Messages(f.ctx, tk.ID, true)
	if _, err := f.store.Split(f.ctx, 0, tk.ID, msgs[0].ID); !errors.Is(err, ticket.ErrSplitFirst) {
		t.Fatalf("split at the first message: %v", err)
	}
	other := mustTicket(t, f, f.ingest(mail("zed@example.org", "Other", "x")).Ticket)
	if _, err := f.store.Split(f.ctx, 0, other.ID, msgs[2].ID); !errors.Is(err, ticket.ErrNotFound) {
		t.Fatalf("split at another ticket's message: %v", err)
	}
	drain(t, f)
	nt, err := f.store.Split(f.ctx, 0, tk.ID, msgs[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	texts := func(id int64) []string {
		ms, _ := f.store.Messages(f.ctx, id, true)
		var out []string
		for _, m := range ms {
			out = append(out, m.Text)
		}
		return out
	}
	if got := texts(tk.ID); !slices.Equal(got, []string{"printer broken", "restart it"}) {
		t.Fatalf("old ticket = %q", got)
	}
	if got := texts(nt.ID); !slices.Equal(got, []string{"and the VPN is down", "VPN fixed"}) {
		t.Fatalf("new ticket = %q", got)
	}
	if nt.Subject != "VPN too" || nt.RequesterEmail != "ana@example.org" || nt.LinkedTicketID != tk.ID {
		t.Fatalf("new ticket = %+v", nt)
	}
	if ps := participantEmails(t, f, nt.ID); len(ps) != 0 {
		t.Fatalf("split copied participants %v", ps)
	}
	if ps := participantEmails(t, f, tk.ID); !slices.Equal(ps, []string{"bob@example.org"}) {
		t.Fatalf("old ticket's participants = %v", ps)
	}
	if got := alertRecipients(t, f); len(got) != 0 {
		t.Fatalf("split alerted %v", got)
	}
	// The moved mail's Message-ID now leads to the new ticket.
	re := mail("ana@example.org", "Re: VPN", "thanks")
	re.InReplyTo = []string{vpn.MessageID}
	if got := f.ingest(re); got.Ticket != nt.Number {
		t.Fatalf("reply to the moved mail: %+v", got)
	}
}

// childEnv, when set, makes the test binary a child process that runs one
// merge or split ("merge URL from into", "split URL ticket message") and
// exits: the process the kill tests kill.
const childEnv = "INBOXDESK_TEST_TX_CHILD"

func TestMain(m *testing.M) {
	if arg := os.Getenv(childEnv); arg != "" {
		os.Exit(runChild(arg))
	}
	os.Exit(m.Run())
}

func runChild(arg string) int {
	var op, url string
	var x, y int64
	if _, err := fmt.Sscan(arg, &op, &url, &x, &y); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	store := storage.New(pool, testConfig())
	if op == "merge" {
		_, err = store.Merge(ctx, 0, x, y)
	} else {
		_, err = store.Split(ctx, 0, x, y)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	return 0
}

// killMidway runs op in a child process, stops it inside its transaction
// (the events table is held, so it waits at its first event, after moving
// messages), kills it with SIGKILL and waits until its database session is
// gone.
func killMidway(t *testing.T, f *fixture, op string, x, y int64) {
	t.Helper()
	pool := f.store.Pool()
	blocker, err := pool.Begin(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Rollback(f.ctx)
	if _, err := blocker.Exec(f.ctx, `LOCK TABLE events IN EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), fmt.Sprintf("%s=%s %s %d %d", childEnv, op, pool.Config().ConnString(), x, y))
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	var pid int
	for deadline := time.Now().Add(30 * time.Second); pid == 0; {
		if time.Now().After(deadline) {
			_ = child.Process.Kill()
			t.Fatalf("the child's %s never reached the events table", op)
		}
		time.Sleep(20 * time.Millisecond)
		_ = pool.QueryRow(f.ctx, `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'
			AND query LIKE '%INSERT INTO events%' AND datname = current_database()`).Scan(&pid)
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	if err := blocker.Rollback(f.ctx); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		var alive bool
		if err := pool.QueryRow(f.ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)`, pid).Scan(&alive); err != nil {
			t.Fatal(err)
		}
		if !alive {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the killed process's database session lives on")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A process killed (SIGKILL) in the middle of a merge or a split leaves
// everything as before; run again, each leaves everything as after.
func TestMergeAndSplitProcessKilledLeaveBeforeThenAfter(t *testing.T) {
	f := newFixture(t, testConfig())
	p := newDuplicatePair(t, f)
	before := snapshot(t, f)
	killMidway(t, f, "merge", p.b.ID, p.a.ID)
	if got := snapshot(t, f); got != before {
		t.Fatalf("a killed merge changed the database:\nbefore %s\nafter  %s", before, got)
	}
	if _, err := f.store.Merge(f.ctx, 0, p.b.ID, p.a.ID); err != nil {
		t.Fatal(err)
	}
	if left, _ := f.store.Messages(f.ctx, p.b.ID, true); len(left) != 0 || mustTicket(t, f, p.b.Number).MergedIntoID != p.a.ID {
		t.Fatal("the merge run again did not complete")
	}

	msgs, _ := f.store.Messages(f.ctx, p.a.ID, true)
	before = snapshot(t, f)
	killMidway(t, f, "split", p.a.ID, msgs[2].ID)
	if got := snapshot(t, f); got != before {
		t.Fatalf("a killed split changed the database:\nbefore %s\nafter  %s", before, got)
	}
	nt, err := f.store.Split(f.ctx, 0, p.a.ID, msgs[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	if moved, _ := f.store.Messages(f.ctx, nt.ID, true); len(moved) != 2 {
		t.Fatalf("the split run again moved %d messages, want 2", len(moved))
	}
}
