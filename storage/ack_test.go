package storage_test

import (
	"testing"
	"time"

	"inboxdesk/ticket"
)

// TestAcknowledgementSkipsTheCoalescingWindow: the first alert of a new
// ticket is due at once, however long the window; the next update waits
// out the window as before.
func TestAcknowledgementSkipsTheCoalescingWindow(t *testing.T) {
	cfg := testConfig()
	cfg.CoalesceWindow = time.Hour
	f := newFixture(t, cfg)
	open := f.ingest(mail("ana@example.org", "Help", "x"))
	jobs := drain(t, f)
	if len(jobs) != 1 || jobs[0].Reason != ticket.ReasonReceived {
		t.Fatalf("due right after the mail: %+v, want the acknowledgement", jobs)
	}
	tk := mustTicket(t, f, open.Ticket)
	if _, err := f.store.Act(f.ctx, 0, ticket.ActReply, ticket.Post{TicketID: tk.ID, Text: "r"}); err != nil {
		t.Fatal(err)
	}
	if jobs := drain(t, f); len(jobs) != 0 {
		t.Fatalf("a reply's alert was due before the window ended: %+v", jobs)
	}
	alerts, _ := f.store.AlertsByTicket(f.ctx, tk.ID)
	if len(alerts) != 2 || alerts[1].Reason != ticket.ReasonReplied {
		t.Fatalf("alerts %+v, want the sent acknowledgement and a waiting reply", alerts)
	}
}
