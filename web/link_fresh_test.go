package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"inboxdesk/link"
	"inboxdesk/ticket"
)

// An expired link's page offers a fresh link to the address it was for; the
// GET sends nothing (mail scanners fetch links), the POST queues one alert,
// and asking again at once queues nothing more.
func TestExpiredLinkOffersAFreshOne(t *testing.T) {
	e := newEnv(t, nil)
	n := e.mailIn(mail("carla@example.org", "Help", "The printer is broken and it does not print.", ""))
	tk := e.ticketByNumber(n)
	linkRequests := func() int {
		t.Helper()
		alerts, err := e.tickets.AlertsByTicket(e.ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		c := 0
		for _, a := range alerts {
			if a.Reason == ticket.ReasonLinkRequested {
				c++
			}
		}
		return c
	}
	// The acknowledgement went out long ago: nothing is waiting.
	jobs, _ := e.tickets.ClaimAlerts(e.ctx, 10, time.Minute)
	for _, j := range jobs {
		_ = e.tickets.MarkAlertsSent(e.ctx, []int64{j.ID})
	}
	expired := e.keys.Sign(link.Claims{Ticket: n, Email: "carla@example.org", Purpose: link.PurposeTicket,
		Expires: e.clock.Now().Add(-48 * time.Hour)})
	b := e.browser()
	path := fmt.Sprintf("/t/%d?k=%s", n, expired)
	for range 3 {
		p := b.get(path)
		p.want(http.StatusGone, "This link has expired", "c•••@example.org")
	}
	if got := linkRequests(); got != 0 {
		t.Fatalf("opening the expired link queued %d fresh links", got)
	}
	csrf := b.get(path).input("csrf")
	post := fmt.Sprintf("/t/%d/fresh-link", n)
	p := b.post(post, url.Values{"csrf": {csrf}, "k": {expired}})
	p.want(http.StatusOK, "A new link is on its way to c•••@example.org")
	if got := linkRequests(); got != 1 {
		t.Fatalf("fresh links queued: %d, want 1", got)
	}
	b.post(post, url.Values{"csrf": {csrf}, "k": {expired}}).want(http.StatusOK, "A new link is on its way")
	if got := linkRequests(); got != 1 {
		t.Fatalf("asking twice queued %d fresh links, want 1", got)
	}
	// The agent sees why that alert was sent.
	e.agent("zoe@support.example")
	a := e.browser()
	a.agentSignIn("zoe@support.example")
	a.get(fmt.Sprintf("/agent/tickets/%d", n)).want(http.StatusOK, "New link asked for<br>")
	// A forged token, or one for another ticket, gets nothing.
	tampered := expired[:len(expired)-3] + flip(expired[len(expired)-3:])
	b.post(post, url.Values{"csrf": {csrf}, "k": {tampered}}).want(http.StatusNotFound, "not valid")
	b.post(fmt.Sprintf("/t/%d/fresh-link", n+1), url.Values{"csrf": {csrf}, "k": {expired}}).want(http.StatusNotFound)
	if got := linkRequests(); got != 1 {
		t.Fatalf("bad tokens queued fresh links: %d", got)
	}
}
