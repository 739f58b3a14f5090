package storage_test

import (
	"errors"
	"testing"

	"inboxdesk/ticket"
)

// A fresh link goes to the requester only, by email, in their language;
// asking again at once, or while an alert is waiting, queues nothing more.
func TestRequestFreshLink(t *testing.T) {
	f := newFixture(t, testConfig())
	open := f.ingest(mail("lucia@example.org", "No puedo entrar", gmailSpanish))
	if err := f.store.RequestFreshLink(f.ctx, open.Ticket, "lucia@example.org"); err != nil {
		t.Fatal(err)
	}
	if jobs := drain(t, f); len(jobs) != 1 || jobs[0].Reason != ticket.ReasonReceived {
		t.Fatalf("with the acknowledgement waiting: alerts %+v, want only it", jobs)
	}
	if err := f.store.RequestFreshLink(f.ctx, open.Ticket, " Lucia@Example.org"); err != nil {
		t.Fatal(err)
	}
	jobs := drain(t, f)
	if len(jobs) != 1 || jobs[0].Reason != ticket.ReasonLinkRequested || jobs[0].Channel != "email" ||
		jobs[0].Language != "es" || jobs[0].Recipient.Email != "lucia@example.org" {
		t.Fatalf("fresh link alerts %+v", jobs)
	}
	if err := f.store.RequestFreshLink(f.ctx, open.Ticket, "lucia@example.org"); err != nil {
		t.Fatal(err)
	}
	if jobs := drain(t, f); len(jobs) != 0 {
		t.Errorf("a second ask within %v queued %+v", ticket.FreshLinkEvery, jobs)
	}
	for _, c := range []struct {
		number int64
		email  string
	}{{open.Ticket, "someone@example.org"}, {open.Ticket + 1, "lucia@example.org"}} {
		if err := f.store.RequestFreshLink(f.ctx, c.number, c.email); !errors.Is(err, ticket.ErrNotFound) {
			t.Errorf("ticket %d for %s: err = %v, want ErrNotFound", c.number, c.email, err)
		}
	}
}
