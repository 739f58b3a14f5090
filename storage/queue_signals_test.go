package storage_test

import (
	"testing"

	"inboxdesk/ticket"
)

func (f *fixture) queueRow(agentID, number int64, byWaiting bool) (ticket.Summary, []int64) {
	f.t.Helper()
	page, err := f.store.Queue(f.ctx, ticket.QueueFilter{AgentID: agentID, ByWaiting: byWaiting})
	if err != nil {
		f.t.Fatal(err)
	}
	var row ticket.Summary
	var order []int64
	for _, s := range page.Tickets {
		order = append(order, s.Number)
		if s.Number == number {
			row = s
		}
	}
	return row, order
}

func TestQueueSignals(t *testing.T) {
	f := newFixture(t, testConfig())
	zoe := f.addAgent("zoe@support.test", "Zoe")
	first := f.ingest(mail("ana@example.org", "Printer", "help"))
	second := f.ingest(mail("bob@example.org", "Scanner", "help"))
	row, _ := f.queueRow(zoe, first.Ticket, false)
	if row.RequesterName != "Cust" || row.WaitingSince.IsZero() || !row.Unread {
		t.Fatalf("a new ticket: %+v; want the customer's name, waiting, unread", row)
	}
	tk, _ := f.store.TicketByNumber(f.ctx, first.Ticket)
	if err := f.store.MarkSeen(f.ctx, zoe, tk.ID); err != nil {
		t.Fatal(err)
	}
	if row, _ = f.queueRow(zoe, first.Ticket, false); row.Unread || row.WaitingSince.IsZero() {
		t.Fatalf("after Zoe opened it: %+v; want read, still waiting", row)
	}
	other := f.addAgent("max@support.test", "Max")
	if row, _ = f.queueRow(other, first.Ticket, false); !row.Unread {
		t.Fatal("unread is per agent: Max never opened it")
	}
	// Newest activity first by default; by waiting, the longest wait first.
	if _, order := f.queueRow(zoe, 0, false); len(order) != 2 || order[0] != second.Ticket {
		t.Fatalf("default order %v", order)
	}
	if _, order := f.queueRow(zoe, 0, true); len(order) != 2 || order[0] != first.Ticket {
		t.Fatalf("by waiting %v", order)
	}
	// The team answers: no longer waiting, and sorted after those waiting.
	if _, err := f.store.Act(f.ctx, zoe, ticket.ActReply, ticket.Post{TicketID: tk.ID, Text: "on it"}); err != nil {
		t.Fatal(err)
	}
	if row, _ = f.queueRow(zoe, first.Ticket, false); !row.WaitingSince.IsZero() {
		t.Fatalf("after a reply: %+v; want not waiting", row)
	}
	if _, order := f.queueRow(zoe, 0, true); order[0] != second.Ticket {
		t.Fatalf("by waiting after the reply: %v", order)
	}
	// An internal note is no answer to the customer.
	tk2, _ := f.store.TicketByNumber(f.ctx, second.Ticket)
	if _, err := f.store.Act(f.ctx, zoe, ticket.ActNote, ticket.Post{TicketID: tk2.ID, Text: "hmm"}); err != nil {
		t.Fatal(err)
	}
	if row, _ = f.queueRow(zoe, second.Ticket, false); row.WaitingSince.IsZero() {
		t.Fatal("a note stopped the customer's wait")
	}
}
