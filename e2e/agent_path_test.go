package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestAgentPath walks issue 5's agent path: an agent signs in, finds a new
// ticket in the queue, adds an internal note, replies with an attachment,
// asks for details and resolves it; the customer gets one notify-only alert
// for each but the note, and a second agent's browser on the same ticket
// sees the reply arrive without reloading. Then the customer opens the
// last alert's link, reads the answers (not the note) and replies, which
// reopens the ticket before the agents' eyes.
func TestAgentPath(t *testing.T) {
	t.Parallel()
	beginTest(t)
	p := startProduct(t)
	customer := "carla-" + randomHex(3) + "@example.org"
	subject := "Refund for order " + randomHex(3)
	_, number := p.WriteIn(t, customer, subject, "Hello,\nI returned the parcel last week. When do I get my refund?\nCarla")
	ticketURL := fmt.Sprintf("%s/agent/tickets/%d", p.BaseURL, number)

	a := newBrowser(t, "agent")
	signInAgent(a, p)
	row := fmt.Sprintf("#queue-%d", number)
	a.WaitText(row, subject, pageWait)
	if got := a.Text(row + " .customer"); got != customer {
		t.Errorf("queue row of ticket %d shows customer %q, want %q", number, got, customer)
	}
	a.Shot("queue")
	a.Click(row+" a", "#thread")
	a.WaitText("#thread", "I returned the parcel", pageWait)
	a.Shot("ticket")

	watcher := newBrowser(t, "watcher")
	signInAgent(watcher, p)
	watcher.OpenLive(ticketURL, "#thread")
	watcher.MarkPage()

	note := "Customer is on the premium plan, note N-" + randomHex(4)
	a.Type("#reply-text", note)
	a.Click("#action-note", "#thread")
	a.WaitText("#thread .internal", note, pageWait)
	watcher.WaitText("#thread .internal", note, pageWait)

	reply := "Your refund of 42 EUR left today, reference RF-" + randomHex(4)
	a.Type("#reply-text", reply)
	a.Do(chromedp.SetUploadFiles(chromedp.CSS("#act-files"), []string{writePNG(t)}))
	a.Click("#action-reply", "#thread")
	a.WaitText("#thread", reply, pageWait)
	a.WaitText("#thread .attachments", "screen.png", pageWait)
	a.Shot("after-reply")

	watcher.WaitText("#thread", reply, pageWait)
	watcher.WaitText("#thread .attachments", "screen.png", pageWait)
	if !watcher.StillSamePage() {
		t.Error("the second browser reloaded the page to show the reply; it should update in place")
	}
	watcher.Shot("sees-reply-live")

	replied := p.WaitMail(t, customer, "alert for the reply", func(m sentMail) bool {
		return strings.Contains(m.Text, "The support team replied")
	})
	checkUpdateAlert(t, replied, "We replied to your request", number)

	question := "Which bank account should we use? Ref Q-" + randomHex(4)
	a.Type("#reply-text", question)
	a.Click("#action-request-info", "#thread")
	a.WaitText("#ticket-status", "Pending", pageWait)
	a.Shot("after-ask-for-details")
	asked := p.WaitMail(t, customer, "alert asking for details", func(m sentMail) bool {
		return strings.Contains(m.Text, "needs more details")
	})
	checkUpdateAlert(t, asked, "We need more details on your request", number)

	a.Click("#action-resolve", "#thread")
	a.WaitText("#ticket-status", "Resolved", pageWait)
	resolved := p.WaitMail(t, customer, "alert that the ticket was resolved", func(m sentMail) bool {
		return strings.Contains(m.Text, "marked your request as resolved")
	})
	checkUpdateAlert(t, resolved, "Your request was resolved", number)
	watcher.WaitText("#ticket-status", "Resolved", pageWait)
	watcher.Shot("sees-resolved-live")

	mails := p.MailsTo(t, customer)
	if len(mails) != 4 {
		t.Errorf("the customer got %d emails, want 4 (received, replied, details needed, resolved)", len(mails))
	}
	for _, m := range mails {
		for _, secret := range []string{reply, question, note, "screen.png"} {
			if strings.Contains(m.Subject+m.Text, secret) {
				t.Errorf("alert %s %q carries %q; alerts must not carry what the agent wrote", m.ID, m.Subject, secret)
			}
		}
	}
	a.Open(p.BaseURL+"/dev/outbox", "#"+resolved.ID)
	a.Shot("dev-outbox-alerts")

	a.Open(ticketURL, "#alerts")
	a.WaitText("#alerts", customer, pageWait)
	a.Shot("ticket-alerts-delivered")
	for _, reason := range []string{"received", "replied", "info_requested", "resolved"} {
		sel := fmt.Sprintf(`#alerts tr[data-reason=%q][data-channel="email"][data-state="sent"]`, reason)
		if !a.Has(sel) {
			t.Errorf("the agent's ticket page shows no sent email alert for %q", reason)
		}
	}

	// The customer follows the last alert: answers and request are there,
	// the internal note is not; a reply reopens the ticket.
	c := newBrowser(t, "customer")
	c.Open(resolved.Links[0], "#send-code")
	c.Click("#send-code", "#code")
	c.Type("#code", oneTimeCode(t, p.WaitMail(t, customer, "sign-in code email", isCodeMail(""))))
	c.Click("#check-code", "#conversation")
	for _, want := range []string{reply, "screen.png", question} {
		c.WaitText("#conversation", want, pageWait)
	}
	if text := c.Text("#conversation"); strings.Contains(text, note) {
		t.Error("the customer's ticket page shows the agent's internal note")
	}
	c.WaitText("#ticket-status", "Resolved", pageWait)
	c.Shot("ticket-resolved")
	thanks := "The refund has not arrived yet, T-" + randomHex(4)
	c.Type("#reply-text", thanks)
	c.Click("#reply-send", "#conversation")
	c.WaitText("#ticket-status", "Open", pageWait)
	c.Shot("ticket-reopened")
	watcher.WaitText("#thread", thanks, pageWait)
	watcher.WaitText("#ticket-status", "Open", pageWait)
	if !watcher.StillSamePage() {
		t.Error("the second browser reloaded the page to show the customer's reply; it should update in place")
	}
	watcher.Shot("sees-reopened-live")

	// Ctrl-C with agent pages still open on the live stream stops cleanly.
	p.Stop(t)
}

// signInAgent signs the demo agent in and waits for the queue.
func signInAgent(b *browser, p *product) {
	b.t.Helper()
	b.Open(p.BaseURL+"/agent/login", "#agent-email")
	b.Type("#agent-email", agentEmail)
	b.Type("#agent-password", agentPassword)
	b.Shot("sign-in")
	b.Click("#agent-sign-in", "#queue-live")
}

// OpenLive navigates to url, waits until sel is visible and until the page
// has its live-update stream (Server-Sent Events) open.
func (b *browser) OpenLive(url, sel string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	responses := chromedp.Events(ctx, network.ResponseReceived)
	b.Open(url, sel)
	for ev, err := range responses {
		if err != nil {
			b.fail(fmt.Errorf("the page never opened its live-update stream: %w", err))
		}
		if ev.Type == network.ResourceTypeEventSource {
			if ev.Response.Status != 200 {
				b.fail(fmt.Errorf("live-update stream %s answered %d", ev.Response.URL, ev.Response.Status))
			}
			return
		}
	}
}

// checkUpdateAlert checks an alert about a change of ticket number: the
// subject says what happened and names the ticket, the text has one signed
// link to its page first, then the link to the alert settings.
func checkUpdateAlert(t *testing.T, m sentMail, heading string, number int64) {
	t.Helper()
	if want := fmt.Sprintf("%s [#%d]: ", heading, number); !strings.HasPrefix(m.Subject, want) {
		t.Errorf("alert %s subject %q, want %q and the ticket's subject", m.ID, m.Subject, want)
	}
	signed := 0
	for _, l := range m.Links {
		if strings.Contains(l, "/t/") {
			signed++
		}
	}
	if len(m.Links) < 2 || !strings.Contains(m.Links[0], fmt.Sprintf("/t/%d?", number)) || signed != 1 ||
		!strings.HasSuffix(m.Links[1], "/my#alerts") {
		t.Errorf("alert %s links %q, want one link to /t/%d and the settings link", m.ID, m.Links, number)
	}
}
