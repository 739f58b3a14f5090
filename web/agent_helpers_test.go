package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"inboxdesk/ticket"
)

// agentPassword is the password env.agent gives every agent.
const agentPassword = "a long enough secret"

// agentSignIn signs b in as the agent with email (created by env.agent).
func (b *browser) agentSignIn(email string) *page {
	b.t.Helper()
	p := b.get("/agent/login")
	p = b.post("/agent/login", url.Values{"csrf": {p.input("csrf")}, "email": {email}, "password": {agentPassword}})
	if p.status != http.StatusOK || p.url.Path != "/agent" {
		b.t.Fatalf("after agent sign-in: %d %s\n%s", p.status, p.url, p.body)
	}
	return p
}

// agentBrowser creates an agent and returns a browser signed in as them.
func (e *env) agentBrowser(email string) (*browser, int64) {
	e.t.Helper()
	id := e.agent(email)
	b := e.browser()
	b.agentSignIn(email)
	return b, id
}

// act presses an action button on the ticket page p with text.
func (b *browser) act(n int64, p *page, action, text string, files ...upload) *page {
	b.t.Helper()
	return b.postMultipart(fmt.Sprintf("/agent/tickets/%d/act", n), [][2]string{
		{"csrf", p.input("csrf")}, {"version", p.input("version")}, {"text", text}, {"action", action}}, files...)
}

func (e *env) alerts(n int64) []ticket.Alert {
	e.t.Helper()
	a, err := e.tickets.AlertsByTicket(e.ctx, e.ticketByNumber(n).ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) events(n int64) []ticket.Event {
	e.t.Helper()
	ev, err := e.tickets.Events(e.ctx, e.ticketByNumber(n).ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return ev
}

func lastEvent(t *testing.T, evs []ticket.Event) ticket.Event {
	t.Helper()
	if len(evs) == 0 {
		t.Fatal("no events")
	}
	return evs[len(evs)-1]
}

// deliverAlerts marks every due alert sent, as the sender would, so that the
// next action's alert is a row of its own (a queued alert takes a newer
// reason instead).
func (e *env) deliverAlerts() {
	e.t.Helper()
	jobs, err := e.tickets.ClaimAlerts(e.ctx, 100, time.Minute)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, j := range jobs {
		if err := e.tickets.MarkAlertsSent(e.ctx, []int64{j.ID}); err != nil {
			e.t.Fatal(err)
		}
	}
}

func (e *env) messages(n int64, withInternal bool) []ticket.Message {
	e.t.Helper()
	m, err := e.tickets.Messages(e.ctx, e.ticketByNumber(n).ID, withInternal)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}
