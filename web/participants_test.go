package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"inboxdesk/storage"
	"inboxdesk/ticket"
	"inboxdesk/web"
)

// ccIn ingests Ana's mail that copies Bob and returns the ticket number.
func (e *env) ccIn() int64 {
	e.t.Helper()
	in := mail("ana@example.org", "Printer on fire", "Smoke everywhere", "")
	in.Cc = []ticket.Address{{Email: "bob@example.org"}}
	return e.mailIn(in)
}

// openWithLink walks an alert's link → code → ticket in b; the code is the
// last one sent to codeTo.
func (b *browser) openWithLink(n int64, linkPath, codeTo string) *page {
	b.t.Helper()
	p := b.get(linkPath)
	p = b.post(fmt.Sprintf("/t/%d/code", n), url.Values{"csrf": {p.input("csrf")}, "k": {p.input("k")}})
	return b.post("/code", url.Values{"csrf": {p.input("csrf")}, "k": {p.input("k")}, "code": {b.e.codes.last(b.t, codeTo)}})
}

// A colleague copied on the mail gets alerts of their own; their link sends
// the code to them (never to the requester), and opens the conversation
// without the internal notes. The ticket is in their My tickets.
func TestCcColleagueOpensTicketWithOwnCode(t *testing.T) {
	e := newEnv(t, nil)
	n := e.ccIn()
	var bobAlerts int
	for _, a := range e.alerts(n) {
		if a.Recipient == "bob@example.org" {
			bobAlerts++
		}
	}
	if bobAlerts != 1 {
		t.Fatalf("alerts %+v: want one for bob", e.alerts(n))
	}
	agent, _ := e.agentBrowser("zoe@support.example")
	ap := agent.get(fmt.Sprintf("/agent/tickets/%d", n))
	ap.want(http.StatusOK, "bob@example.org")
	agent.act(n, ap, "note", "Bob is the one who broke it").want(http.StatusOK)

	bob := e.browser()
	p := bob.get(e.linkFor(n, "bob@example.org"))
	p.want(http.StatusOK, "b•••@example.org")
	p = bob.openWithLink(n, e.linkFor(n, "bob@example.org"), "bob@example.org")
	p.want(http.StatusOK, "Smoke everywhere")
	if p.url.Path != fmt.Sprintf("/tickets/%d", n) {
		t.Fatalf("bob landed on %s", p.url)
	}
	if strings.Contains(p.body, "Bob is the one who broke it") {
		t.Fatal("a participant sees an internal note")
	}
	if p.byID("participant-form") != nil {
		t.Fatal("a participant is offered to add people")
	}
	if len(e.codes.codes("ana@example.org")) != 0 {
		t.Fatal("bob's link sent a code to ana")
	}
	bob.get("/my").want(http.StatusOK, fmt.Sprintf("#%d", n))

	// A participant's web reply is on the ticket; the requester stays Ana.
	bob.postMultipart(fmt.Sprintf("/tickets/%d/reply", n), [][2]string{{"csrf", p.input("csrf")},
		{"text", "It is the toner"}}).want(http.StatusOK, "It is the toner")
	if got := e.ticketByNumber(n).RequesterEmail; got != "ana@example.org" {
		t.Fatalf("requester = %s", got)
	}
	// Bob may not add people.
	if r := bob.post(fmt.Sprintf("/tickets/%d/participants", n), url.Values{"csrf": {p.input("csrf")},
		"email": {"mallory@example.org"}}); r.status != http.StatusNotFound {
		t.Fatalf("a participant adding someone: %d", r.status)
	}
}

// An agent removes a participant: their old link and their open session no
// longer open the ticket.
func TestRemovedParticipantsLinkOpensNothing(t *testing.T) {
	e := newEnv(t, nil)
	n := e.ccIn()
	bob := e.browser()
	bob.openWithLink(n, e.linkFor(n, "bob@example.org"), "bob@example.org").want(http.StatusOK, "Smoke everywhere")

	agent, _ := e.agentBrowser("zoe@support.example")
	ap := agent.get(fmt.Sprintf("/agent/tickets/%d", n))
	cust, err := e.tickets.CustomerByEmail(e.ctx, "bob@example.org")
	if err != nil {
		t.Fatal(err)
	}
	agent.post(fmt.Sprintf("/agent/tickets/%d/participants/%d/remove", n, cust.ID), url.Values{"csrf": {ap.input("csrf")}}).
		want(http.StatusOK, "Participant removed")

	if p := bob.get(fmt.Sprintf("/tickets/%d", n)); p.status != http.StatusNotFound {
		t.Fatalf("removed participant's session: %d", p.status)
	}
	fresh := e.browser()
	fresh.get(e.linkFor(n, "bob@example.org")).want(http.StatusNotFound, "not valid")
	before := len(e.codes.codes("bob@example.org"))
	k, _ := url.Parse(e.linkFor(n, "bob@example.org"))
	fresh.post(fmt.Sprintf("/t/%d/code", n), url.Values{"csrf": {fresh.get("/login").input("csrf")},
		"k": {k.Query().Get("k")}}).want(http.StatusNotFound)
	if len(e.codes.codes("bob@example.org")) != before {
		t.Fatal("a removed participant's link still sends a code")
	}
	// The requester's link still works.
	e.browser().openWithLink(n, e.linkFor(n, "ana@example.org"), "ana@example.org").want(http.StatusOK, "Smoke everywhere")
}

// The requester adds a colleague on the page; our own address is refused
// with a reason and nothing is added.
func TestRequesterAddsColleague(t *testing.T) {
	var st *storage.Store
	e := newEnv(t, func(_ *web.Config, d *web.Deps) {
		st = storage.New(d.Tickets.Pool(), storage.Config{Domain: "support.test",
			OwnAddresses: []string{"help@support.test"}})
		d.Tickets = st
	})
	e.tickets = st
	n := e.mailIn(mail("ana@example.org", "VPN", "VPN is down", ""))
	ana := e.browser()
	p := ana.openWithLink(n, e.linkFor(n, "ana@example.org"), "ana@example.org")
	p = ana.post(fmt.Sprintf("/tickets/%d/participants", n), url.Values{"csrf": {p.input("csrf")}, "email": {"Help@support.test"}})
	p.want(http.StatusUnprocessableEntity, "support desk")
	p = ana.post(fmt.Sprintf("/tickets/%d/participants", n), url.Values{"csrf": {p.input("csrf")}, "email": {"carol@example.org"}})
	p.want(http.StatusOK, "carol@example.org")
	agent, _ := e.agentBrowser("zoe@support.example")
	agent.get("/agent/tickets?q=carol%40example.org").want(http.StatusOK, fmt.Sprintf("#%d", n))
	e.browser().openWithLink(n, e.linkFor(n, "carol@example.org"), "carol@example.org").want(http.StatusOK, "VPN is down")
}
