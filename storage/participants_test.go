package storage_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"inboxdesk/storage"
	"inboxdesk/ticket"
)

func participantConfig() storage.Config {
	c := testConfig()
	c.OwnAddresses = []string{"no-reply@example.com", "Help@Example.com"}
	return c
}

// ccMail is Ana's mail to support, copying Bob, the no-reply sender,
// herself and the support address again.
func ccMail(subject string) *ticket.Inbound {
	in := mail("ana@example.org", subject, "our printer is on fire")
	in.To = []ticket.Address{{Email: "help@example.com"}}
	in.Cc = []ticket.Address{{Name: "Bob", Email: "Bob@Example.org"}, {Email: "no-reply@example.com"},
		{Email: "ana@example.org"}, {Name: "Support", Email: "HELP@example.com"}}
	return in
}

func participantEmails(t *testing.T, f *fixture, ticketID int64) []string {
	t.Helper()
	ps, err := f.store.Participants(f.ctx, ticketID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.Email)
	}
	return out
}

func alertRecipients(t *testing.T, f *fixture) []string {
	t.Helper()
	jobs, err := f.store.ClaimAlerts(f.ctx, 50, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, j := range jobs {
		out = append(out, j.Recipient.Email+":"+string(j.Reason))
	}
	slices.Sort(out)
	return out
}

// The people a customer's mail copies become participants — never our
// own addresses (listed, or a mailbox's IMAP user), nor the requester —
// and each gets the ticket's alerts under their own address.
func TestCcOnCustomerMailMakesParticipants(t *testing.T) {
	f := newFixture(t, participantConfig())
	if _, err := f.store.AddMailbox(f.ctx, ticket.Mailbox{Name: "sales",
		URL: "imap://support%40example.com:pw@127.0.0.1:1/INBOX"}); err != nil {
		t.Fatal(err)
	}
	in := ccMail("Printer")
	in.To = append(in.To, ticket.Address{Email: "support@example.com"})
	r := f.ingest(in)
	tk := mustTicket(t, f, r.Ticket)
	if got := participantEmails(t, f, tk.ID); !slices.Equal(got, []string{"bob@example.org"}) {
		t.Fatalf("participants = %v, want only bob (no support, no-reply or requester address)", got)
	}
	if got, want := alertRecipients(t, f), []string{"ana@example.org:received", "bob@example.org:received"}; !slices.Equal(got, want) {
		t.Fatalf("alerts = %v, want %v", got, want)
	}
	if _, err := f.store.Act(f.ctx, 0, ticket.ActReply, ticket.Post{TicketID: tk.ID, Text: "on it"}); err != nil {
		t.Fatal(err)
	}
	if got, want := alertRecipients(t, f), []string{"ana@example.org:replied", "bob@example.org:replied"}; !slices.Equal(got, want) {
		t.Fatalf("alerts after a reply = %v, want %v", got, want)
	}
	if _, err := f.store.Act(f.ctx, 0, ticket.ActNote, ticket.Post{TicketID: tk.ID, Text: "internal"}); err != nil {
		t.Fatal(err)
	}
	if got := alertRecipients(t, f); len(got) != 0 {
		t.Fatalf("an internal note alerted %v", got)
	}
}

// Mails opened together in one batch (the pipelined path) get their
// participants too.
func TestCcInBatchOfNewMail(t *testing.T) {
	f := newFixture(t, participantConfig())
	a, b := ccMail("One"), ccMail("Two")
	res, err := f.store.IngestBatch(f.ctx, f.cp, []ticket.Mail{{UID: 1, Raw: []byte("a"), Parsed: a},
		{UID: 2, Raw: []byte("b"), Parsed: b}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if got := participantEmails(t, f, mustTicket(t, f, r.Ticket).ID); !slices.Equal(got, []string{"bob@example.org"}) {
			t.Errorf("ticket %d participants = %v", r.Ticket, got)
		}
	}
}

// A participant's mail threads like the requester's — by an alert's
// Message-ID or by the [#N] token alone — and is no third party's; the
// requester stays. A stranger is still a third party.
func TestParticipantMailThreads(t *testing.T) {
	f := newFixture(t, participantConfig())
	r := f.ingest(ccMail("Printer"))
	tk := mustTicket(t, f, r.Ticket)
	jobs, err := f.store.ClaimAlerts(f.ctx, 10, time.Minute)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("alerts: %v %v", jobs, err)
	}
	var bobAlert string
	for _, j := range jobs {
		if j.Recipient.Email == "bob@example.org" {
			bobAlert = j.MessageID
		}
	}
	token := mail("bob@example.org", fmt.Sprintf("Re: [#%d]", r.Ticket), "it is the toner")
	if got := f.ingest(token); got.Outcome != ticket.OutcomeThreaded || got.Ticket != r.Ticket {
		t.Fatalf("participant's [#N] mail: %+v", got)
	}
	byID := mail("bob@example.org", "Re: Printer", "also the paper")
	byID.InReplyTo = []string{bobAlert}
	if got := f.ingest(byID); got.Outcome != ticket.OutcomeThreaded || got.Ticket != r.Ticket {
		t.Fatalf("participant's reply to their alert: %+v", got)
	}
	stranger := mail("eve@example.org", "Re: Printer", "me too")
	stranger.InReplyTo = []string{bobAlert}
	if got := f.ingest(stranger); got.Outcome != ticket.OutcomeThirdParty {
		t.Fatalf("stranger's mail: %+v", got)
	}
	after := mustTicket(t, f, r.Ticket)
	if after.RequesterID != tk.RequesterID {
		t.Fatalf("requester changed to %s", after.RequesterEmail)
	}
	msgs, _ := f.store.Messages(f.ctx, tk.ID, false)
	var bobs int
	for _, m := range msgs {
		if m.FromEmail == "bob@example.org" {
			bobs++
		}
		if m.FromEmail == "eve@example.org" {
			t.Error("the stranger's mail is in the customers' view")
		}
	}
	if bobs != 2 {
		t.Fatalf("customers' view holds %d of bob's mails, want 2", bobs)
	}
}

// A removed participant reads nothing more, gets no alerts, threads no
// mail, and is not added back by the next mail that copies them; an agent
// can add them again.
func TestRemovedParticipant(t *testing.T) {
	f := newFixture(t, participantConfig())
	r := f.ingest(ccMail("Printer"))
	tk := mustTicket(t, f, r.Ticket)
	bob, err := f.store.CustomerByEmail(f.ctx, "bob@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := f.store.CanRead(f.ctx, tk.ID, bob.ID); !ok {
		t.Fatal("bob cannot read the ticket he is copied on")
	}
	alertRecipients(t, f)
	if err := f.store.RemoveParticipant(f.ctx, 0, tk.ID, bob.ID); err != nil {
		t.Fatal(err)
	}
	if ok, _ := f.store.CanRead(f.ctx, tk.ID, bob.ID); ok {
		t.Fatal("a removed participant still reads the ticket")
	}
	again := ccMail("Re: Printer")
	again.Subject = fmt.Sprintf("Re: Printer [#%d]", r.Ticket)
	if got := f.ingest(again); got.Outcome != ticket.OutcomeThreaded {
		t.Fatalf("ana's reply: %+v", got)
	}
	if got := participantEmails(t, f, tk.ID); len(got) != 0 {
		t.Fatalf("the next copy added back %v", got)
	}
	if got, want := alertRecipients(t, f), []string{}; len(got) != 0 {
		t.Fatalf("alerts = %v, want %v (a customer's own mail alerts nobody)", got, want)
	}
	if _, err := f.store.Act(f.ctx, 0, ticket.ActReply, ticket.Post{TicketID: tk.ID, Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if got := alertRecipients(t, f); !slices.Equal(got, []string{"ana@example.org:replied"}) {
		t.Fatalf("alerts after removal = %v", got)
	}
	token := mail("bob@example.org", fmt.Sprintf("Re: [#%d]", r.Ticket), "hello?")
	if got := f.ingest(token); got.Outcome != ticket.OutcomeNewTicket || got.Ticket == r.Ticket {
		t.Fatalf("removed participant's [#N] mail: %+v", got)
	}
	if err := f.store.AddParticipant(f.ctx, tk.ID, ticket.AddedBy{AgentID: 1}, "bob@example.org"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := f.store.CanRead(f.ctx, tk.ID, bob.ID); !ok {
		t.Fatal("an agent could not add bob back")
	}
}

// The requester may add a colleague on the web; nobody else may, and no
// one can add our own addresses or text that is not an address.
func TestAddParticipantRules(t *testing.T) {
	f := newFixture(t, participantConfig())
	r := f.ingest(mail("ana@example.org", "VPN", "down"))
	tk := mustTicket(t, f, r.Ticket)
	if err := f.store.AddParticipant(f.ctx, tk.ID, ticket.AddedBy{CustomerID: tk.RequesterID}, "Carol <carol@example.org>"); err != nil {
		t.Fatal(err)
	}
	carol, err := f.store.CustomerByEmail(f.ctx, "carol@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.AddParticipant(f.ctx, tk.ID, ticket.AddedBy{CustomerID: carol.ID}, "dave@example.org"); !errors.Is(err, ticket.ErrNotFound) {
		t.Errorf("a participant added someone: %v", err)
	}
	if err := f.store.AddParticipant(f.ctx, tk.ID, ticket.AddedBy{AgentID: 1}, "HELP@example.com"); !errors.Is(err, ticket.ErrOwnAddress) {
		t.Errorf("own address: %v", err)
	}
	for _, bad := range []string{"", "not an address", "a@b.example, c@d.example"} {
		if err := f.store.AddParticipant(f.ctx, tk.ID, ticket.AddedBy{AgentID: 1}, bad); !errors.Is(err, ticket.ErrInvalidAddress) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if err := f.store.AddParticipant(f.ctx, tk.ID, ticket.AddedBy{AgentID: 1}, "ana@example.org"); err != nil {
		t.Errorf("adding the requester: %v", err)
	}
	if got := participantEmails(t, f, tk.ID); !slices.Equal(got, []string{"carol@example.org"}) {
		t.Fatalf("participants = %v", got)
	}
	// My tickets and the queue search find the ticket by its participant.
	mine, err := f.store.TicketsByCustomer(f.ctx, carol.ID)
	if err != nil || len(mine) != 1 || mine[0].Number != r.Ticket {
		t.Fatalf("carol's tickets = %+v, %v", mine, err)
	}
	page, err := f.store.Queue(f.ctx, ticket.QueueFilter{Search: "carol@example"})
	if err != nil || len(page.Tickets) != 1 || page.Tickets[0].Number != r.Ticket {
		t.Fatalf("queue search by participant = %+v, %v", page, err)
	}
	// A participant replies on the web; the requester stays.
	if _, err := f.store.CustomerReply(f.ctx, carol.ID, ticket.Post{TicketID: tk.ID, Text: "same here"}); err != nil {
		t.Fatal(err)
	}
	if got := mustTicket(t, f, r.Ticket); got.RequesterID != tk.RequesterID {
		t.Fatal("the requester changed")
	}
}

// A mailbox whose IMAP user is a bare name receives at that name in the
// desk's own domain: that address is never a participant either.
func TestMailboxUserAtDeskDomainIsOwn(t *testing.T) {
	cfg := participantConfig()
	cfg.Domain = "example.com"
	f := newFixture(t, cfg)
	if _, err := f.store.AddMailbox(f.ctx, ticket.Mailbox{Name: "sales", URL: "imap://Sales:pw@127.0.0.1:1/INBOX"}); err != nil {
		t.Fatal(err)
	}
	in := ccMail("Printer")
	in.To = append(in.To, ticket.Address{Email: "sales@example.com"})
	r := f.ingest(in)
	if got := participantEmails(t, f, mustTicket(t, f, r.Ticket).ID); !slices.Equal(got, []string{"bob@example.org"}) {
		t.Fatalf("participants = %v, want only bob", got)
	}
}

// The address a mail was delivered to is the desk's, even when nothing
// lists it: it is never a participant.
func TestDeliveredToIsNeverParticipant(t *testing.T) {
	f := newFixture(t, testConfig())
	in := mail("ana@example.org", "Printer", "smoke")
	in.To = []ticket.Address{{Email: "desk@example.net"}}
	in.Cc = []ticket.Address{{Email: "bob@example.org"}}
	in.DeliveredTo = []ticket.Address{{Email: "Desk@example.net"}}
	r := f.ingest(in)
	if got := participantEmails(t, f, mustTicket(t, f, r.Ticket).ID); !slices.Equal(got, []string{"bob@example.org"}) {
		t.Fatalf("participants = %v, want only bob", got)
	}
}
