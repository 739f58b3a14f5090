package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// An agent merges Bob's duplicate into Ana's ticket: Bob's old link, after
// his code, lands on the merged ticket with the whole conversation, and the
// old number's agent page leads there too.
func TestMergedTicketsOldLinkLandsOnMergedTicket(t *testing.T) {
	e := newEnv(t, nil)
	a := e.mailIn(mail("ana@example.org", "Printer on fire", "Smoke everywhere", ""))
	b := e.mailIn(mail("bob@example.org", "Printer smoking", "Smoke on floor 2", ""))
	agent, _ := e.agentBrowser("zoe@support.example")
	p := agent.get(fmt.Sprintf("/agent/tickets/%d", b))
	p = agent.post(fmt.Sprintf("/agent/tickets/%d/merge", b), url.Values{"csrf": {p.input("csrf")}, "into": {fmt.Sprintf("#%d", b)}})
	p.want(http.StatusConflict, "cannot be merged into itself")
	p = agent.post(fmt.Sprintf("/agent/tickets/%d/merge", b), url.Values{"csrf": {p.input("csrf")}, "into": {"999999"}})
	p.want(http.StatusUnprocessableEntity, "no ticket with that number")
	p = agent.post(fmt.Sprintf("/agent/tickets/%d/merge", b), url.Values{"csrf": {p.input("csrf")}, "into": {fmt.Sprint(a)}})
	p.want(http.StatusOK, "Ticket merged.", "Smoke everywhere", "Smoke on floor 2", "Ticket merged in")
	if p.url.Path != fmt.Sprintf("/agent/tickets/%d", a) {
		t.Fatalf("after the merge: %s", p.url)
	}
	if p := agent.get(fmt.Sprintf("/agent/tickets/%d", b)); p.url.Path != fmt.Sprintf("/agent/tickets/%d", a) {
		t.Fatalf("the merged ticket's agent page: %s", p.url)
	}
	var told int
	for _, al := range e.alerts(a) {
		if al.Recipient == "bob@example.org" && al.Reason == "merged" {
			told++
		}
	}
	if told != 1 {
		t.Fatalf("bob told %d times, want once: %+v", told, e.alerts(a))
	}

	bob := e.browser()
	p = bob.openWithLink(b, e.linkFor(b, "bob@example.org"), "bob@example.org")
	p.want(http.StatusOK, "Smoke everywhere", "Smoke on floor 2")
	if p.url.Path != fmt.Sprintf("/tickets/%d", a) {
		t.Fatalf("bob's old link landed on %s", p.url)
	}
	// A stranger signed in learns nothing from the old number.
	eve := e.browser()
	eve.signIn("eve@example.org")
	if p := eve.get(fmt.Sprintf("/tickets/%d", b)); p.status != http.StatusNotFound || p.url.Path != fmt.Sprintf("/tickets/%d", b) {
		t.Fatalf("a stranger at the old number: %d %s", p.status, p.url)
	}
}

// Splitting from a message makes a new ticket of it and what follows.
func TestAgentSplitsTicket(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Printer", "Printer broken", ""))
	e.mailIn(mail("ana@example.org", fmt.Sprintf("VPN too [#%d]", n), "VPN is down", ""))
	msgs := e.messages(n, true)
	agent, _ := e.agentBrowser("zoe@support.example")
	p := agent.get(fmt.Sprintf("/agent/tickets/%d", n))
	if p.byID(fmt.Sprintf("split-%d", msgs[0].ID)) != nil || p.byID(fmt.Sprintf("split-%d", msgs[1].ID)) == nil {
		t.Fatal("want a split button on every message but the first")
	}
	p = agent.post(fmt.Sprintf("/agent/tickets/%d/split", n), url.Values{"csrf": {p.input("csrf")}, "message": {fmt.Sprint(msgs[1].ID)}})
	p.want(http.StatusOK, "New ticket made from the split.", "VPN is down")
	if p.url.Path == fmt.Sprintf("/agent/tickets/%d", n) {
		t.Fatal("the split stayed on the old ticket")
	}
	if got := e.messages(n, true); len(got) != 1 {
		t.Fatalf("the old ticket holds %d messages, want 1", len(got))
	}
}
