package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestQuotedHistoryFoldedButKept: the ticket page folds a reply's quoted
// history behind the toggle, yet the page still holds it and the queue's
// search still finds a word that only the quoted part has.
func TestQuotedHistoryFoldedButKept(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Router", "It works now.\n\nOn Mon, 30 Nov 2026 at 10:02, Support <s@example.com> wrote:\n> Restart the quetzalcoatl router.\n", ""))
	b, _ := e.agentBrowser("zoe@support.example")
	p := b.get(fmt.Sprintf("/agent/tickets/%d", n))
	p.want(http.StatusOK)
	body := p.body
	fold := strings.Index(body, `<details class="quoted">`)
	if fold < 0 || strings.Index(body, "It works now.") > fold || !strings.Contains(body[fold:], "quetzalcoatl") {
		t.Fatalf("the quoted history is not folded after the new text:\n%s", body)
	}
	found := b.get("/agent?status=all&q=" + url.QueryEscape("quetzalcoatl"))
	if found.byID(fmt.Sprintf("queue-%d", n)) == nil {
		t.Error("search does not find a word of the quoted history")
	}
}
