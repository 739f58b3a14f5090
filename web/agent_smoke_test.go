package web_test

import (
	"fmt"
	"net/http"
	"testing"
)

func TestAgentPagesRender(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("ana@example.org", "Printer on fire", "It smokes.", ""))
	b, _ := e.agentBrowser("zoe@support.example")
	b.get("/agent").want(http.StatusOK, "Printer on fire")
	p := b.get(fmt.Sprintf("/agent/tickets/%d", n))
	p.want(http.StatusOK, "It smokes.", `id="action-reply"`, `id="assign-select"`, `id="alerts"`)
	b.get("/agent/quarantine").want(http.StatusOK)
	b.get(fmt.Sprintf("/agent/tickets/%d?fragment=thread", n)).want(http.StatusOK, `id="ticket-live"`)
}
