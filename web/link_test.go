package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"inboxdesk/link"
)

func TestMagicLinkOpensTicketOnlyAfterCode(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("carla@example.org", "Printer on fire", "Smoke everywhere", ""))
	b := e.browser()
	linkPath := e.linkFor(n, "carla@example.org")

	for range 2 { // link scanners fetch links, maybe twice: nothing is sent, nothing shown
		p := b.get(linkPath)
		p.want(http.StatusOK, "c•••@example.org")
		if p.byID("send-code") == nil || strings.Contains(p.body, "Smoke everywhere") {
			t.Fatalf("link page: no #send-code button, or it shows the conversation\n%s", p.body)
		}
	}
	if e.codes.total() != 0 {
		t.Fatalf("GET of the link sent %d codes", e.codes.total())
	}
	if p := b.get(fmt.Sprintf("/tickets/%d", n)); p.url.Path != "/login" {
		t.Fatalf("ticket before the code: landed on %s", p.url)
	}

	p := b.get(linkPath)
	p = b.post(fmt.Sprintf("/t/%d/code", n), url.Values{"csrf": {p.input("csrf")}, "k": {p.input("k")}})
	p.want(http.StatusOK, "c•••@example.org")
	if p.url.Path != "/code" || p.byID("code") == nil {
		t.Fatalf("after sending: %s, #code input missing", p.url)
	}
	code := e.codes.last(t, "carla@example.org")
	p = b.post("/code", url.Values{"csrf": {p.input("csrf")}, "k": {p.input("k")}, "code": {code}})
	p.want(http.StatusOK, "Smoke everywhere", "Printer on fire")
	if p.url.Path != fmt.Sprintf("/tickets/%d", n) {
		t.Fatalf("after the code: landed on %s", p.url)
	}
	if b.cookie("inboxdesk_session") == "" {
		t.Fatal("no session cookie")
	}
	// The link again, now signed in: straight to the ticket.
	if p := b.get(linkPath); p.url.Path != fmt.Sprintf("/tickets/%d", n) {
		t.Fatalf("link with a session for its address: %s", p.url)
	}
}

func TestLinkTokenRules(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("carla@example.org", "Help", "body", ""))
	other := e.mailIn(mail("carla@example.org", "Other", "body 2", ""))
	claims := link.Claims{Ticket: n, Email: "carla@example.org", Purpose: link.PurposeTicket, Expires: e.clock.Now().Add(time.Hour)}
	good := e.keys.Sign(claims)
	tampered := good[:len(good)-3] + flip(good[len(good)-3:])
	expired := claims
	expired.Expires = e.clock.Now().Add(-time.Second)
	login := claims
	login.Purpose = link.PurposeLogin
	tests := []struct {
		name   string
		path   string
		status int
		text   string
	}{
		{"good", fmt.Sprintf("/t/%d?k=%s", n, good), http.StatusOK, "c•••@example.org"},
		{"tampered", fmt.Sprintf("/t/%d?k=%s", n, tampered), http.StatusNotFound, "not valid"},
		{"no token", fmt.Sprintf("/t/%d", n), http.StatusNotFound, "not valid"},
		{"expired", fmt.Sprintf("/t/%d?k=%s", n, e.keys.Sign(expired)), http.StatusGone, "expired"},
		{"wrong purpose", fmt.Sprintf("/t/%d?k=%s", n, e.keys.Sign(login)), http.StatusNotFound, "not valid"},
		{"other ticket", fmt.Sprintf("/t/%d?k=%s", other, good), http.StatusNotFound, "not valid"},
		{"not a number", "/t/abc?k=" + good, http.StatusNotFound, "not valid"},
	}
	for _, tt := range tests {
		t.Log(tt.name) // e's helpers fail the parent test, so no subtests
		b := e.browser()
		b.get(tt.path).want(tt.status, tt.text)
		// Posting the same token to send a code is refused the same way.
		csrf := b.get("/login").input("csrf")
		u, _ := url.Parse(tt.path)
		b.post(u.Path+"/code", url.Values{"csrf": {csrf}, "k": {u.Query().Get("k")}}).want(tt.status)
	}
	if got := e.codes.total(); got != 1 {
		t.Fatalf("%d codes sent, want 1 (only for the good token)", got)
	}
}

func flip(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
	}
	return string(b)
}

func TestForwardedLinkIsUselessToAnotherAddress(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("carla@example.org", "Private matter", "my secret details", ""))
	bob := e.browser()
	bob.signIn("bob@example.org")

	p := bob.get(e.linkFor(n, "carla@example.org"))
	p.want(http.StatusOK, "c•••@example.org")
	if strings.Contains(p.body, "my secret details") || p.byID("other-session") == nil {
		t.Fatalf("forwarded link with bob's session shows the ticket or no warning\n%s", p.body)
	}
	bob.get(fmt.Sprintf("/tickets/%d", n)).want(http.StatusNotFound)

	// Asking for a code sends it to carla, never to bob.
	before := len(e.codes.codes("bob@example.org"))
	p = bob.post(fmt.Sprintf("/t/%d/code", n), url.Values{"csrf": {p.input("csrf")}, "k": {p.input("k")}})
	p.want(http.StatusOK)
	if len(e.codes.codes("carla@example.org")) != 1 || len(e.codes.codes("bob@example.org")) != before {
		t.Fatalf("codes: carla %v, bob %v", e.codes.codes("carla@example.org"), e.codes.codes("bob@example.org"))
	}
	// Bob's own last code does not open carla's ticket.
	p = bob.post("/code", url.Values{"csrf": {p.input("csrf")}, "k": {p.input("k")},
		"code": {e.codes.last(t, "bob@example.org")}})
	if p.status == http.StatusOK || strings.Contains(p.body, "my secret details") {
		t.Fatalf("bob's code opened carla's ticket: %d\n%s", p.status, p.body)
	}
	bob.get(fmt.Sprintf("/tickets/%d", n)).want(http.StatusNotFound)
}
