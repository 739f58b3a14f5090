package storage_test

import (
	"testing"
	"time"

	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

func TestRetentionErasesOnlyTicketsClosedLongEnough(t *testing.T) {
	f := newFixture(t, testConfig())
	old := mustTicket(t, f, f.ingest(mail("ana@example.org", "Old quokka", "quokka words")).Ticket)
	recent := mustTicket(t, f, f.ingest(mail("bob@example.org", "Recent", "kept words")).Ticket)
	open := mustTicket(t, f, f.ingest(mail("cy@example.org", "Open", "open words")).Ticket)
	for _, tk := range []*ticket.Ticket{old, recent} {
		if _, err := f.store.Act(f.ctx, 0, ticket.ActResolve, ticket.Post{TicketID: tk.ID}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.store.AutoClose(f.ctx, -time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Pool().Exec(f.ctx, `UPDATE tickets SET updated_at = now() - interval '91 days'
		WHERE id = ANY($1)`, []int64{old.ID, open.ID}); err != nil {
		t.Fatal(err)
	}
	n, err := f.store.EraseClosedBefore(f.ctx, 90*24*time.Hour)
	if err != nil || n.Tickets != 1 || n.Messages != 1 {
		t.Fatalf("erased %+v, %v", n, err)
	}
	if found := pgtest.TablesContaining(f.ctx, t, f.store.Pool(), "quokka"); len(found) > 0 {
		t.Errorf("the erased ticket's words are still in %v", found)
	}
	for _, tk := range []*ticket.Ticket{recent, open} {
		if msgs, err := f.store.Messages(f.ctx, tk.ID, true); err != nil || len(msgs) != 1 || msgs[0].Text == "" {
			t.Errorf("ticket %d was touched: %+v %v", tk.Number, msgs, err)
		}
	}
	if got := mustTicket(t, f, old.Number); got.Status != ticket.StatusClosed || got.RequesterEmail != "ana@example.org" {
		t.Errorf("the erased ticket's row should stay, closed, with its customer: %+v", got)
	}
	if n, err := f.store.EraseClosedBefore(f.ctx, 90*24*time.Hour); err != nil || n.Tickets != 0 {
		t.Errorf("second run erased %+v, %v", n, err)
	}
}
