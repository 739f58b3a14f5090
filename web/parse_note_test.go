package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestParseNotesShownToAgentsOnly: what the parser could not read is said
// beside the message on the agent's page, not on the customer's.
func TestParseNotesShownToAgentsOnly(t *testing.T) {
	e := newEnv(t, nil)
	in := mail("ana@example.org", "Scan", "see the scan", "")
	in.Notes = []string{`scan.pdf could not be decoded whole (base64: illegal base64 data at input byte 12)`}
	n := e.mailIn(in)
	a, _ := e.agentBrowser("zoe@support.example")
	p := a.get(fmt.Sprintf("/agent/tickets/%d", n))
	p.want(http.StatusOK, "Something in this mail was odd:", "scan.pdf could not be decoded whole")
	c := e.browser()
	c.signIn("ana@example.org")
	cp := c.get(fmt.Sprintf("/tickets/%d", n))
	cp.want(http.StatusOK, "see the scan")
	if strings.Contains(cp.body, "could not be decoded") {
		t.Error("the customer's page shows the parser's note")
	}
}
