package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestQueueSignals(t *testing.T) {
	e := newEnv(t, nil)
	in := mail("ana@example.org", "Printer", "help", "")
	in.From.Name = "Ana Díaz"
	first := e.mailIn(in)
	second := e.mailIn(mail("bob@example.org", "Scanner", "help", ""))
	zoe, _ := e.agentBrowser("zoe@support.test")
	p := zoe.get("/agent")
	p.want(http.StatusOK, "Ana Díaz")
	for _, n := range []int64{first, second} {
		if p.byID(fmt.Sprintf("unread-%d", n)) == nil || !strings.Contains(p.text(fmt.Sprintf("waiting-%d", n)), "Customer waiting") {
			t.Fatalf("#%d not marked unread and waiting:\n%s", n, p.body)
		}
	}
	zoe.get(fmt.Sprintf("/agent/tickets/%d", first))
	p = zoe.get("/agent")
	if p.byID(fmt.Sprintf("unread-%d", first)) != nil || p.byID(fmt.Sprintf("unread-%d", second)) == nil {
		t.Fatal("opening a ticket did not mark it read (and only it)")
	}
	maxB, _ := e.agentBrowser("max@support.test")
	if maxB.get("/agent").byID(fmt.Sprintf("unread-%d", first)) == nil {
		t.Fatal("read for one agent is read for all")
	}
	// By waiting: the longest-waiting customer first; the choice stays in the links.
	p = zoe.get("/agent?sort=waiting")
	if i, j := strings.Index(p.body, fmt.Sprintf(`id="queue-%d"`, first)), strings.Index(p.body, fmt.Sprintf(`id="queue-%d"`, second)); i < 0 || j < 0 || i > j {
		t.Fatalf("sort by waiting: #%d at %d, #%d at %d", first, i, second, j)
	}
	p = zoe.get("/agent")
	if i, j := strings.Index(p.body, fmt.Sprintf(`id="queue-%d"`, first)), strings.Index(p.body, fmt.Sprintf(`id="queue-%d"`, second)); i < j {
		t.Fatal("default order is not newest activity first")
	}
	if !strings.Contains(zoe.get("/agent?sort=waiting").body, "sort=waiting") {
		t.Error("tab links drop the sort")
	}
	zoe.act(first, zoe.get(fmt.Sprintf("/agent/tickets/%d", first)), "reply", "On it.").want(http.StatusOK)
	if zoe.get("/agent").byID(fmt.Sprintf("waiting-%d", first)) != nil {
		t.Fatal("still waiting after the team answered")
	}
}
