package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Mail that threads into Ana's ticket by Message-ID from someone else shows
// the agent the real address and "not the requester", and is not on Ana's
// page at all, even under her display name.
func TestThirdPartyMailShownToAgentNotToCustomer(t *testing.T) {
	e := newEnv(t, nil)
	first := mail("ana@example.org", "Refund", "Where is my refund?", "")
	n := e.mailIn(first)
	forged := mail("eve@evil.example", "Re: Refund", "New bank details: send it to IBAN XX00", "")
	forged.From.Name = "ana@example.org"
	forged.InReplyTo = []string{first.MessageID}
	e.mailIn(forged)
	msgs := e.messages(n, true)
	if len(msgs) != 2 || !msgs[1].ThirdParty {
		t.Fatalf("messages %+v: want the second marked third-party", msgs)
	}

	agent, _ := e.agentBrowser("zoe@support.example")
	p := agent.get(fmt.Sprintf("/agent/tickets/%d", n))
	p.want(http.StatusOK, "New bank details")
	badge := p.text(fmt.Sprintf("third-party-%d", msgs[1].ID))
	if !strings.Contains(badge, "eve@evil.example") || !strings.Contains(badge, "not the requester") {
		t.Fatalf("third-party badge %q: want the address and \"not the requester\"", badge)
	}
	if p.byID(fmt.Sprintf("third-party-%d", msgs[0].ID)) != nil {
		t.Fatal("the requester's own mail is marked as a third party's")
	}
	if h := strings.Join(strings.Fields(p.text("events")), " "); !strings.Contains(h, "Mail from someone other than the requester · eve@evil.example") {
		t.Errorf("history does not name the third party:\n%s", h)
	}

	customer := e.browser()
	customer.signIn("ana@example.org")
	c := customer.get(fmt.Sprintf("/tickets/%d", n))
	c.want(http.StatusOK, "Where is my refund?")
	if strings.Contains(c.body, "New bank details") || c.byID(fmt.Sprintf("m%d", msgs[1].ID)) != nil {
		t.Fatal("the customer's page shows the third party's mail")
	}
}
