package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAgentStaleWrite: two agents open the same ticket; the first replies;
// the second's reply is refused with "changed since you opened it", their
// text kept in the box and nothing stored; the page now shows the first
// reply, and sending again goes through.
func TestAgentStaleWrite(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Refund", "Where is my refund?", ""))
	first, _ := e.agentBrowser("zoe@support.example")
	second, _ := e.agentBrowser("yan@support.example")
	path := fmt.Sprintf("/agent/tickets/%d", n)
	p1, p2 := first.get(path), second.get(path)

	first.act(n, p1, "reply", "Refund sent today.").want(http.StatusOK)
	alerts := len(e.alerts(n))
	p := second.act(n, p2, "resolve", "Closing this, refund done.")
	p.want(http.StatusConflict, "This ticket changed since you opened it")
	if got := p.text("reply-text"); got != "Closing this, refund done." {
		t.Fatalf("typed text not kept: %q", got)
	}
	if !strings.Contains(p.text("thread"), "Refund sent today.") {
		t.Error("the refused page does not show what changed")
	}
	if e.ticketByNumber(n).Status != "open" || len(e.alerts(n)) != alerts ||
		strings.Contains(fmt.Sprint(e.messages(n, true)), "Closing this") {
		t.Fatal("the stale write changed the ticket")
	}

	second.act(n, p, "resolve", "Closing this, refund done.").want(http.StatusOK)
	if e.ticketByNumber(n).Status != "resolved" {
		t.Fatal("sending again after seeing the change did not resolve")
	}

	// Assigning from a stale page is refused the same way.
	stale := first.get(path)
	second.act(n, second.get(path), "note", "taking it")
	first.post(path+"/assign", url.Values{"csrf": {stale.input("csrf")}, "version": {stale.input("version")},
		"assignee": {"0"}}).want(http.StatusConflict, "This ticket changed since you opened it")
}
