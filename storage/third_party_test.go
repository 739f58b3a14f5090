package storage_test

import (
	"testing"
	"time"

	"inboxdesk/ticket"
)

// Anyone who knows a ticket's Message-ID can write into it: such mail is kept
// for agents, marked with the sender, and the customer never sees it; it
// reopens nothing and sends nobody anything.
func TestThirdPartyMailByMessageIDIsMarkedForAgentsOnly(t *testing.T) {
	f := newFixture(t, testConfig())
	first, open, tk := f.resolvedTicket("Refund")
	if _, err := f.store.ClaimAlerts(f.ctx, 10, time.Minute); err != nil { // the received and resolved alerts
		t.Fatal(err)
	}
	forged := mail("eve@evil.example", "Re: Refund", "Pay the refund to my new account")
	forged.From.Name = "Ana"
	forged.InReplyTo = []string{first.MessageID}
	r := f.ingest(forged)
	if r.Outcome != ticket.OutcomeThirdParty || r.Ticket != open.Ticket {
		t.Fatalf("third-party mail: %+v", r)
	}
	if got := mustTicket(t, f, open.Ticket).Status; got != ticket.StatusResolved {
		t.Errorf("status = %s: a stranger's mail reopened the ticket", got)
	}
	jobs, err := f.store.ClaimAlerts(f.ctx, 10, time.Minute)
	if err != nil || len(jobs) != 0 {
		t.Errorf("alerts after third-party mail: %+v, %v; want none", jobs, err)
	}
	customer, _ := f.store.Messages(f.ctx, tk.ID, false)
	for _, m := range customer {
		if m.FromEmail == "eve@evil.example" {
			t.Errorf("the customer's view holds the third party's mail: %+v", m)
		}
	}
	agent, _ := f.store.Messages(f.ctx, tk.ID, true)
	last := agent[len(agent)-1]
	if !last.ThirdParty || last.FromEmail != "eve@evil.example" || last.Text != forged.Text {
		t.Errorf("agent's view of the third-party mail: %+v", last)
	}
	if agent[0].ThirdParty {
		t.Error("the requester's own mail is marked third-party")
	}
	n, lastID, _ := f.store.ConversationStamp(f.ctx, tk.ID, false)
	if n != len(customer) || lastID == last.ID {
		t.Errorf("the customer's conversation stamp counts the third party's mail")
	}

	// The requester's own reply, addressed in another case, still threads
	// and reopens.
	own := mail("ANA@Example.org", "Re: Refund", "still waiting")
	own.InReplyTo = []string{first.MessageID}
	if r := f.ingest(own); r.Outcome != ticket.OutcomeReopened {
		t.Fatalf("requester's reply: %+v", r)
	}
}

// On a closed ticket a third party's mail opens a ticket of their own that
// links nothing of the requester's.
func TestThirdPartyMailOnClosedTicketOpensUnlinkedTicket(t *testing.T) {
	f := newFixture(t, testConfig())
	first, open, _ := f.resolvedTicket("Invoice")
	if _, err := f.store.AutoClose(f.ctx, -time.Hour); err != nil {
		t.Fatal(err)
	}
	forged := mail("eve@evil.example", "Re: Invoice", "hello")
	forged.References = []string{first.MessageID}
	r := f.ingest(forged)
	if r.Outcome != ticket.OutcomeNewTicket || r.Ticket == open.Ticket {
		t.Fatalf("third-party mail on a closed ticket: %+v", r)
	}
	if got := mustTicket(t, f, r.Ticket); got.LinkedTicketID != 0 || got.RequesterEmail != "eve@evil.example" {
		t.Fatalf("new ticket %+v: want eve's own, linking nothing", got)
	}
}

// resolvedTicket opens a ticket from Ana's mail and resolves it.
func (f *fixture) resolvedTicket(subject string) (*ticket.Inbound, ticket.Result, *ticket.Ticket) {
	f.t.Helper()
	first := mail("ana@example.org", subject, "please help")
	open := f.ingest(first)
	tk := mustTicket(f.t, f, open.Ticket)
	if _, err := f.store.Act(f.ctx, 0, ticket.ActResolve, ticket.Post{TicketID: tk.ID}); err != nil {
		f.t.Fatal(err)
	}
	return first, open, tk
}
