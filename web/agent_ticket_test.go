package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"inboxdesk/ticket"
)

// TestAgentTicketShowsAlertDelivery shows each alert's channel and delivery
// state: sent, failed with the server's answer, bounced, queued.
func TestAgentTicketShowsAlertDelivery(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Broken login", "I cannot sign in.", ""))
	e.deliverAlerts() // "received": sent
	agent := e.agent("zoe@support.example")
	id := e.ticketByNumber(n).ID
	act := func(a ticket.AgentAction) {
		if _, err := e.tickets.Act(e.ctx, agent, a, ticket.Post{TicketID: id, Text: "text " + string(a)}); err != nil {
			t.Fatal(err)
		}
	}
	act(ticket.ActReply) // failed, with the server's answer
	jobs, err := e.tickets.ClaimAlerts(e.ctx, 10, time.Minute)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("claim: %v %v", jobs, err)
	}
	if err := e.tickets.FailAlert(e.ctx, jobs[0].ID, "550 5.1.1 mailbox unavailable"); err != nil {
		t.Fatal(err)
	}
	act(ticket.ActRequestInfo) // bounced
	e.deliverAlerts()
	bounced := e.alerts(n)[2]
	e.mailIn(&ticket.Inbound{MessageID: "dsn1@mx.example.org", From: ticket.Address{Email: "mailer-daemon@mx.example.org"},
		Subject: "Undelivered", AutoSubmitted: "auto-replied", ContentHash: []byte("dsn1"),
		Bounce: &ticket.Bounce{OriginalMessageIDs: []string{bounced.MessageID}, Status: "5.2.2", Diagnostic: "mailbox full"}})
	act(ticket.ActResolve) // queued

	b := e.browser()
	b.agentSignIn("zoe@support.example")
	p := b.get(fmt.Sprintf("/agent/tickets/%d", n))
	p.want(http.StatusOK)
	alerts := e.alerts(n)
	want := []struct{ state, text string }{
		{"sent", "Sent"}, {"failed", "550 5.1.1 mailbox unavailable"}, {"bounced", "5.2.2 mailbox full"}, {"queued", "Queued"},
	}
	if len(alerts) != len(want) {
		t.Fatalf("%d alerts, want %d", len(alerts), len(want))
	}
	for i, w := range want {
		row := p.byID(fmt.Sprintf("alert-%d", alerts[i].ID))
		if row == nil || attr(row, "data-state") != w.state || attr(row, "data-channel") != "email" {
			t.Fatalf("alert %d: row %v, want state %s on email", i, row, w.state)
		}
		if txt := p.text(fmt.Sprintf("alert-%d", alerts[i].ID)); !strings.Contains(txt, w.text) || !strings.Contains(txt, "Email") {
			t.Errorf("alert %d shows %q, want %q and the channel", i, txt, w.text)
		}
	}
	if h := p.text("events"); !strings.Contains(h, "Alert failed") || !strings.Contains(h, "Alert bounced") ||
		!strings.Contains(h, "· system") {
		t.Errorf("history lacks the failed and bounced alerts: %q", h)
	}
}

// TestAgentTicketShowsCustomerAndHistory: customer details, their other
// tickets, attachments and the event history are on the page, oldest first.
func TestAgentTicketShowsCustomerAndHistory(t *testing.T) {
	e := newEnv(t, nil)
	png := ticket.Attachment{Filename: "screen.png", ContentType: "image/png", Data: pngBytes}
	e.mailIn(mail("ana@example.org", "First problem", "one", ""))
	n := e.mailIn(mail("ana@example.org", "Second problem", "two", "", png))
	e.mailIn(mail("bob@example.org", "Bob's problem", "three", ""))
	b, _ := e.agentBrowser("zoe@support.example")
	p := b.act(n, b.get(fmt.Sprintf("/agent/tickets/%d", n)), "reply", "A later answer")
	p.want(http.StatusOK, "screen.png")
	if txt := p.text("customer-email"); !strings.Contains(txt, "ana@example.org") {
		t.Errorf("customer shown as %q", txt)
	}
	if others := p.text("other-tickets"); !strings.Contains(others, "First problem") || strings.Contains(others, "Bob") ||
		strings.Contains(others, "Second problem") {
		t.Errorf("other tickets: %q", others)
	}
	if p.byID(fmt.Sprintf("m%d", e.messages(n, true)[0].ID)) == nil {
		t.Error("no message element m{ID}")
	}
	msgs := p.threadMessages()
	if len(msgs) != 2 || !strings.Contains(msgs[0].text, "two") || !strings.Contains(msgs[1].text, "A later answer") {
		t.Errorf("thread not oldest first: %+v", msgs)
	}
	if h := p.text("events"); strings.Index(h, "Ticket opened") > strings.Index(h, "Reply sent") {
		t.Errorf("history not oldest first: %q", h)
	}
}

// TestAgentAssign assigns the ticket to another agent, then unassigns it;
// each is an event, the queue's "me" filter follows, and an unknown agent is refused.
func TestAgentAssign(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Needs an owner", "x", ""))
	b, me := e.agentBrowser("zoe@support.example")
	other := e.agent("yan@support.example")
	assign := func(to int64) *page {
		p := b.get(fmt.Sprintf("/agent/tickets/%d", n))
		if p.byID("assign-select") == nil || !strings.Contains(p.text("assign-select"), "Zoe Agent") {
			t.Fatalf("assign control lacks the agents\n%s", p.body)
		}
		return b.post(fmt.Sprintf("/agent/tickets/%d/assign", n), url.Values{"csrf": {p.input("csrf")},
			"version": {p.input("version")}, "assignee": {fmt.Sprint(to)}})
	}
	for _, to := range []int64{me, other, 0} {
		assign(to).want(http.StatusOK)
		if got := e.ticketByNumber(n).AssigneeID; got != to {
			t.Fatalf("assignee %d, want %d", got, to)
		}
		ev := lastEvent(t, e.events(n))
		if ev.Kind != "assigned" || ev.Actor != ticket.AgentActor(me) {
			t.Errorf("event %+v", ev)
		}
		mine := b.get("/agent?assignee=me").byID(fmt.Sprintf("queue-%d", n)) != nil
		if mine != (to == me) {
			t.Errorf("assigned to %d: in my queue = %v", to, mine)
		}
	}
	assign(999999).want(http.StatusBadRequest)

	// A disabled agent stays shown as the assignee (a save keeps them), but
	// cannot be newly chosen.
	assign(other).want(http.StatusOK)
	if err := e.auth.DisableAgent(e.ctx, "yan@support.example"); err != nil {
		t.Fatal(err)
	}
	sel := b.get(fmt.Sprintf("/agent/tickets/%d", n)).byID("assign-select")
	for o := sel.FirstChild; o != nil; o = o.NextSibling {
		if o.Data == "option" && attr(o, "value") == fmt.Sprint(other) && !hasAttr(o, "selected") {
			t.Error("the disabled assignee is not selected")
		}
	}
	assign(0).want(http.StatusOK)
	assign(other).want(http.StatusBadRequest)
	if e.ticketByNumber(n).AssigneeID != 0 {
		t.Error("an unknown agent was assigned")
	}
}

// TestAgentTicketSaysWhichTicketItContinues: mail on a closed ticket opens a
// new one, whose page links the ticket it continues.
func TestAgentTicketSaysWhichTicketItContinues(t *testing.T) {
	e := newEnv(t, nil)
	first := mail("ana@example.org", "Invoice", "wrong amount", "")
	old := e.mailIn(first)
	b, agent := e.agentBrowser("zoe@support.example")
	if _, err := e.tickets.Act(e.ctx, agent, ticket.ActResolve, ticket.Post{TicketID: e.ticketByNumber(old).ID}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Millisecond)
	if n, err := e.tickets.AutoClose(e.ctx, time.Nanosecond); err != nil || n != 1 {
		t.Fatalf("auto-close: %d %v", n, err)
	}
	later := mail("ana@example.org", "Re: Invoice", "still wrong", "")
	later.InReplyTo = []string{first.MessageID}
	n := e.mailIn(later)
	if n == old {
		t.Fatal("mail on a closed ticket went into it")
	}
	p := b.get(fmt.Sprintf("/agent/tickets/%d", n))
	p.want(http.StatusOK)
	link := p.byID("ticket-continues")
	if link == nil || attr(link, "href") != fmt.Sprintf("/agent/tickets/%d", old) ||
		!strings.Contains(p.text("ticket-continues"), fmt.Sprint(old)) {
		t.Fatalf("no link to the continued ticket #%d: %v", old, link)
	}
	if p := b.get(fmt.Sprintf("/agent/tickets/%d", old)); p.byID("ticket-continues") != nil {
		t.Fatal("the older ticket claims to continue another")
	}
}
