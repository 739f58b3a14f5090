package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"inboxdesk/ticket"
)

// agentRoutes reads every route agentRoutes registers from its source, so
// that a route added later is covered here without anyone remembering to.
func agentRoutes(t *testing.T) [][2]string {
	t.Helper()
	src, err := os.ReadFile("agent_routes.go")
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, m := range regexp.MustCompile(`HandleFunc\("(GET|POST) (/agent[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		if m[2] != "/agent/login" {
			out = append(out, [2]string{m[1], m[2]})
		}
	}
	if len(out) < 10 {
		t.Fatalf("found only %d agent routes: %v", len(out), out)
	}
	return out
}

// TestAgentRoutesRefuseCustomersAndVisitors: a signed-in customer gets 403
// on every agent route (with a valid CSRF token on POSTs, so the role check
// is what refuses), a visitor's GET is sent to /agent/login, and nothing
// changes.
func TestAgentRoutesRefuseCustomersAndVisitors(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Mine", "my text", ""))
	e.uid++
	if _, err := e.tickets.IngestBatch(e.ctx, e.cp, []ticket.Mail{{UID: e.uid, Raw: []byte("Subject: x\r\n\r\nbody"),
		ParseReason: "malformed"}}); err != nil {
		t.Fatal(err)
	}
	held := e.heldMail()
	before := e.ticketByNumber(n).Version
	customer := e.browser()
	customer.signIn("ana@example.org")
	visitor := e.browser()
	for _, r := range agentRoutes(t) {
		path := strings.NewReplacer("{number}", fmt.Sprint(n), "{id}", fmt.Sprint(held)).Replace(r[1])
		form := url.Values{"csrf": {customer.get("/my").input("csrf")}, "action": {"note"}, "text": {"x"},
			"assignee": {"0"}, "version": {fmt.Sprint(before)}}
		var p *page
		if r[0] == http.MethodGet {
			p = customer.get(path)
			resp := visitor.noFollow(http.MethodGet, path)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/agent/login" {
				t.Errorf("visitor GET %s: %d to %q, want 303 to /agent/login", path, resp.StatusCode, resp.Header.Get("Location"))
			}
		} else {
			p = customer.post(path, form)
			vp := visitor.post(path, url.Values{"csrf": {visitor.get("/login").input("csrf")}})
			if vp.status != http.StatusForbidden {
				t.Errorf("visitor POST %s: %d, want 403", path, vp.status)
			}
		}
		if p.status != http.StatusForbidden || strings.Contains(p.body, "my text") {
			t.Errorf("customer %s %s: %d, want 403 without the ticket", r[0], path, p.status)
		}
	}
	if e.ticketByNumber(n).Version != before || e.heldMail() != held {
		t.Fatal("a refused request changed something")
	}
}

// heldMail returns the id of the newest mail in quarantine (0 when none).
func (e *env) heldMail() int64 {
	e.t.Helper()
	list, err := e.tickets.QuarantineList(e.ctx, 1)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(list) == 0 {
		return 0
	}
	return list[0].ID
}
