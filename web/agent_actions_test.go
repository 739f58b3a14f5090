package web_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"inboxdesk/ticket"
)

// TestAgentActions presses each action button on a real ticket and checks
// the status, the customer's alert (or none), the event, and what the
// customer then sees on their own page: replies and requests yes, the
// internal note never.
func TestAgentActions(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Invoice wrong", "Please fix my invoice.", ""))
	e.deliverAlerts()
	b, agentID := e.agentBrowser("zoe@support.example")
	cases := []struct {
		action, text string
		files        []upload
		status       ticket.Status
		alert        ticket.AlertReason // "" = none
		event        string
		internal     bool
	}{
		{"reply", "We are on it.", []upload{{"fix.png", pngBytes}}, ticket.StatusOpen, ticket.ReasonReplied, "agent_replied", false},
		{"note", "VIP customer, be quick.", []upload{{"notes.txt", []byte("internal file")}}, ticket.StatusOpen, "", "note_added", true},
		{"request_info", "Which invoice number is it?", nil, ticket.StatusPending, ticket.ReasonInfoRequested, "info_requested", false},
		{"resolve", "", nil, ticket.StatusResolved, ticket.ReasonResolved, "resolved", false},
		{"reopen", "", nil, ticket.StatusOpen, "", "reopened", false},
	}
	for _, c := range cases {
		alertsBefore := len(e.alerts(n))
		p := b.act(n, b.get(fmt.Sprintf("/agent/tickets/%d", n)), c.action, c.text, c.files...)
		p.want(http.StatusOK)
		if p.url.Query().Get("done") != c.action || p.byID("flash") == nil {
			t.Fatalf("%s: landed on %s without a confirmation", c.action, p.url)
		}
		if got := e.ticketByNumber(n).Status; got != c.status {
			t.Errorf("%s: status %s, want %s", c.action, got, c.status)
		}
		alerts := e.alerts(n)
		switch {
		case c.alert == "" && len(alerts) != alertsBefore:
			t.Errorf("%s: %d new alerts, want none", c.action, len(alerts)-alertsBefore)
		case c.alert != "" && (len(alerts) != alertsBefore+1 || alerts[len(alerts)-1].Reason != c.alert ||
			alerts[len(alerts)-1].Recipient != "ana@example.org"):
			t.Errorf("%s: alerts %+v, want one new %q to ana", c.action, alerts[alertsBefore:], c.alert)
		}
		ev := lastEvent(t, e.events(n))
		if ev.Kind != c.event || ev.Actor != ticket.AgentActor(agentID) {
			t.Errorf("%s: last event %s by %s, want %s by agent:%d", c.action, ev.Kind, ev.Actor, c.event, agentID)
		}
		if c.text != "" {
			checkAgentMessage(t, p, c.text, c.internal, len(c.files))
		}
		checkButtons(t, p, c.status)
		e.deliverAlerts()
	}

	c := e.browser()
	c.signIn("ana@example.org")
	cp := c.get(fmt.Sprintf("/tickets/%d", n))
	cp.want(http.StatusOK, "We are on it.", "fix.png", "Which invoice number is it?")
	if strings.Contains(cp.body, "VIP customer") || strings.Contains(cp.body, "notes.txt") {
		t.Fatal("the customer's page shows the internal note")
	}
}

// checkAgentMessage finds the message with text in the agent's thread and
// checks its internal mark and attachment count.
func checkAgentMessage(t *testing.T, p *page, text string, internal bool, files int) {
	t.Helper()
	for _, m := range p.threadMessages() {
		if !strings.Contains(m.text, text) {
			continue
		}
		if m.internal != internal || m.attachments != files {
			t.Errorf("message %q: internal %v with %d files, want %v with %d", text, m.internal, m.attachments, internal, files)
		}
		return
	}
	t.Errorf("thread lacks %q\n%s", text, p.text("thread"))
}

type threadMessage struct {
	id          string
	text        string
	internal    bool
	attachments int
}

// threadMessages reads the #thread list as a person would see it.
func (p *page) threadMessages() []threadMessage {
	var out []threadMessage
	thread := p.byID("thread")
	if thread == nil {
		p.t.Fatalf("no #thread on %s\n%s", p.url, p.body)
	}
	for li := thread.FirstChild; li != nil; li = li.NextSibling {
		if li.Data != "li" {
			continue
		}
		m := threadMessage{id: attr(li, "id"), internal: strings.Contains(" "+attr(li, "class")+" ", " internal ")}
		var b strings.Builder
		walk(li, func(n *html.Node) {
			if n.Type == html.TextNode {
				b.WriteString(n.Data)
			}
			if attr(n, "class") == "attachment" {
				m.attachments++
			}
		})
		m.text = b.String()
		out = append(out, m)
	}
	return out
}

// offButtons are the action buttons that make no sense in a status.
var offButtons = map[ticket.Status][]string{
	ticket.StatusOpen:     {"action-reopen"},
	ticket.StatusPending:  nil,
	ticket.StatusResolved: {"action-request-info", "action-resolve"},
}

// checkButtons checks which action buttons the page disables.
func checkButtons(t *testing.T, p *page, st ticket.Status) {
	t.Helper()
	for _, id := range []string{"action-reply", "action-note", "action-request-info", "action-resolve", "action-reopen"} {
		b := p.byID(id)
		if b == nil {
			t.Fatalf("no #%s", id)
		}
		disabled := hasAttr(b, "disabled")
		if want := slices.Contains(offButtons[st], id); disabled != want {
			t.Errorf("status %s: #%s disabled = %v, want %v", st, id, disabled, want)
		}
	}
}
