package inbound_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"inboxdesk/inbound"
	"inboxdesk/metrics"
	"inboxdesk/storage"
	"inboxdesk/testenv/dovecot"
	"inboxdesk/testenv/syncbuf"
	"inboxdesk/ticket"
)

// gauge scrapes /metrics and returns the mailbox "support"'s value of name.
func gauge(t *testing.T, m *metrics.Metrics, name string) float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+`{mailbox="support"} `); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("no %s for the mailbox in /metrics", name)
	return 0
}

// failCommits makes every stored message fail (a full disk, say) until the
// returned function is called.
func failCommits(t *testing.T, store *storage.Store) (heal func()) {
	t.Helper()
	ctx := context.Background()
	_, err := store.Pool().Exec(ctx, `
		CREATE FUNCTION test_fail_insert() RETURNS trigger LANGUAGE plpgsql AS
			$$ BEGIN RAISE EXCEPTION 'disk full'; END $$;
		CREATE TRIGGER test_fail_insert BEFORE INSERT ON messages
			FOR EACH ROW EXECUTE FUNCTION test_fail_insert()`)
	if err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := store.Pool().Exec(ctx, `DROP TRIGGER test_fail_insert ON messages`); err != nil {
			t.Fatal(err)
		}
	}
}

const stalledLog = "mailbox backlog is not shrinking"

// The backlog metric rises while mail waits on the server and the poll
// cannot ingest it, a backlog that does not shrink is marked stalled, and
// both fall once the mail is in.
func TestDovecotBacklogMetricRisesAndFalls(t *testing.T) {
	dc := dovecot.Start(t)
	store := dovecotStore(t, dc, ticket.Mailbox{})
	var logs syncbuf.Buffer
	m := metrics.New(store, slog.New(slog.NewTextHandler(&logs, nil)))
	p := inbound.NewPoller(store, slog.New(slog.NewTextHandler(&logs, nil)), inbound.Options{StalledAfter: 2})
	defer p.Close()
	ctx := context.Background()
	if _, err := p.Poll(ctx, "support"); err != nil {
		t.Fatal(err)
	}
	if got := gauge(t, m, "inboxdesk_mailbox_backlog_uids"); got != 0 {
		t.Fatalf("backlog of an empty mailbox %v", got)
	}
	heal := failCommits(t, store)
	var raws [][]byte
	for i := 0; i < 5; i++ {
		raws = append(raws, []byte(customerMail("b@example.org", fmt.Sprintf("b%d@example.org", i), "Backlog", "x")))
	}
	dc.AppendMany(t, "INBOX", raws)
	time.Sleep(1100 * time.Millisecond) // the oldest mail has waited a second
	if _, err := p.Poll(ctx, "support"); err == nil {
		t.Fatal("poll succeeded while commits fail")
	}
	if got := gauge(t, m, "inboxdesk_mailbox_backlog_uids"); got != 5 {
		t.Fatalf("backlog %v, want 5", got)
	}
	if got := gauge(t, m, "inboxdesk_mailbox_backlog_oldest_seconds"); got < 1 {
		t.Fatalf("oldest waiting %vs, want at least 1s", got)
	}
	if got := gauge(t, m, "inboxdesk_mailbox_backlog_stalled"); got != 0 || strings.Contains(logs.String(), stalledLog) {
		t.Fatalf("stalled after one poll")
	}
	dc.Append(t, "INBOX", []byte(customerMail("b@example.org", "b5@example.org", "Backlog", "x")))
	st, err := p.Poll(ctx, "support")
	if err == nil || st.Backlog.UIDs != 6 || st.Backlog.Polls != 2 {
		t.Fatalf("second failing poll %+v %v, want a backlog of 6 over 2 polls", st, err)
	}
	if got := gauge(t, m, "inboxdesk_mailbox_backlog_stalled"); got != 1 {
		t.Fatalf("stalled %v after two polls that left the backlog no smaller, want 1", got)
	}
	if !strings.Contains(logs.String(), stalledLog) || !strings.Contains(logs.String(), "backlog_uids=6") {
		t.Fatalf("no warning of the stalled backlog in the log:\n%s", logs.String())
	}
	heal()
	if st, err := p.Poll(ctx, "support"); err != nil || st.Fetched != 6 {
		t.Fatalf("poll after healing %+v %v", st, err)
	}
	for name, want := range map[string]float64{"inboxdesk_mailbox_backlog_uids": 0,
		"inboxdesk_mailbox_backlog_oldest_seconds": 0, "inboxdesk_mailbox_backlog_stalled": 0} {
		if got := gauge(t, m, name); got != want {
			t.Fatalf("%s = %v after the backlog was ingested, want %v", name, got, want)
		}
	}
}
