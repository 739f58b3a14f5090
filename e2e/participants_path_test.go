package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestCcAndMergePath walks issue 18's paths in the browser: a customer's
// mail copies a colleague, and each of them follows the ticket from their
// own alert with a code sent to their own address; then an agent merges a
// third person's duplicate into it, and that person's old link lands on
// the merged ticket.
func TestCcAndMergePath(t *testing.T) {
	t.Parallel()
	beginTest(t)
	p := startProduct(t)
	ana := "ana-" + randomHex(3) + "@example.org"
	bob := "bob-" + randomHex(3) + "@example.org"
	word := "toner" + randomHex(4)
	subject := "Printer smoking " + randomHex(3)
	p.SendRaw(t, ana, fmt.Sprintf("From: %s\r\nTo: %s\r\nCc: Bob <%s>\r\nSubject: %s\r\nDate: %s\r\n"+
		"Message-ID: <%s@e2e.example.net>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Our printer smokes, the %s is hot.\r\n", ana, supportAddr, bob, subject, time.Now().Format(time.RFC1123Z),
		randomHex(8), word))
	ack, number := p.WaitAck(t, ana)
	bobAlert, bobNumber := p.WaitAck(t, bob)
	if bobNumber != number {
		t.Fatalf("bob's alert names ticket %d, ana's %d", bobNumber, number)
	}
	for _, m := range p.MailsTo(t, supportAddr) {
		t.Errorf("an alert went to the support address itself: %q", m.Subject)
	}

	followOwnAlert(t, p, "ana", ana, ack, number, word)
	followOwnAlert(t, p, "bob", bob, bobAlert, number, word)

	carl := "carl-" + randomHex(3) + "@example.org"
	carlAck, dup := p.WriteIn(t, carl, "Printer on fire "+randomHex(3), "Smoke from the printer on floor 2.")
	a := newBrowser(t, "agent")
	signInAgent(a, p)
	a.Open(fmt.Sprintf("%s/agent/tickets/%d", p.BaseURL, dup), "#merge-into")
	a.Type("#merge-into", fmt.Sprint(number))
	a.Click("#merge-submit", "#flash")
	a.WaitText("#thread", word, pageWait)
	a.WaitText("#thread", "Smoke from the printer on floor 2.", pageWait)
	a.Shot("merged")
	if loc := a.Location(); !strings.HasSuffix(loc, fmt.Sprintf("/agent/tickets/%d?done=merged", number)) {
		t.Errorf("after the merge the agent is at %s, want ticket %d", loc, number)
	}

	c := newBrowser(t, "carl")
	c.Open(p.BaseURL+"/dev/outbox", "#"+carlAck.ID)
	c.Click("#"+carlAck.ID+" a.link", "#send-code")
	c.Click("#send-code", "#code")
	c.Type("#code", oneTimeCode(t, p.WaitMail(t, carl, "carl's code", isCodeMail(""))))
	c.Click("#check-code", "#conversation")
	c.WaitText("#conversation", word, pageWait)
	c.Shot("old-link-after-merge")
	if loc := c.Location(); !strings.HasSuffix(loc, fmt.Sprintf("/tickets/%d", number)) {
		t.Errorf("carl's old link of ticket %d lands on %s, want ticket %d", dup, loc, number)
	}
	p.WaitMail(t, carl, "carl's merge alert", func(m sentMail) bool {
		return strings.Contains(m.Subject, fmt.Sprintf("[#%d]", number)) && strings.Contains(m.Subject, "joined")
	})
}

// followOwnAlert opens the alert's link in a fresh browser, proves the
// address with the code mailed to it and checks the conversation shows.
func followOwnAlert(t *testing.T, p *product, label, addr string, alert sentMail, number int64, word string) {
	t.Helper()
	b := newBrowser(t, label)
	b.Open(p.BaseURL+"/dev/outbox", "#"+alert.ID)
	b.Click("#"+alert.ID+" a.link", "#send-code")
	if got, want := b.Text("#masked-email"), addr[:1]+"•••@example.org"; got != want {
		t.Errorf("%s's link page masks the address as %q, want %q", label, got, want)
	}
	b.Click("#send-code", "#code")
	b.Type("#code", oneTimeCode(t, p.WaitMail(t, addr, label+"'s code", isCodeMail(""))))
	b.Click("#check-code", "#conversation")
	b.WaitText("#conversation", word, pageWait)
	b.Shot("ticket")
	if loc := b.Location(); !strings.HasSuffix(loc, fmt.Sprintf("/tickets/%d", number)) {
		t.Errorf("%s landed on %s, want ticket %d", label, loc, number)
	}
}
