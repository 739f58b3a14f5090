package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAgentDay walks issue 17's path: the admin invites an agent and saves a
// shared canned reply; the agent accepts the emailed invitation (link, then
// a code) on a phone-sized screen, follows the mailbox, gets an email notice
// for a new mail, and answers it with the canned reply; queue and ticket
// page fit 390 px. `-update-docs` also rewrites docs/agent-queue.png.
func TestAgentDay(t *testing.T) {
	t.Parallel()
	beginTest(t)
	p := startProduct(t)
	invited := "sam-" + randomHex(3) + "@example.com"

	admin := newBrowser(t, "admin")
	signInAgent(admin, p)
	admin.Open(p.BaseURL+"/agent/team", "#invite-form")
	admin.Type("#invite-email", invited)
	admin.Type("#invite-name", "Sam Phone")
	admin.Click("#invite", "#team")
	admin.WaitText("#flash", "Invitation sent", pageWait)
	admin.Open(p.BaseURL+"/agent/canned", "#canned-form")
	admin.Type("#canned-title", "Thanks")
	admin.Type("#canned-body", "Hello {{.Customer.Name}}, ticket #{{.Ticket.Number}} is fixed. {{.Agent.Name}}")
	admin.Do(chromedp.Click(chromedp.CSS("#canned-shared"), chromedp.NodeVisible))
	admin.Click("#canned-save", "#flash")
	admin.WaitText("#canned", "Thanks", pageWait)

	invite := p.WaitMail(t, invited, "invitation", func(m sentMail) bool { return strings.Contains(m.Subject, "invited") })
	link := regexp.MustCompile(`https?://\S+/agent/invite\?k=\S+`).FindString(strings.ReplaceAll(invite.Text, "=\r\n", ""))
	if link == "" {
		t.Fatalf("no invitation link in:\n%s", invite.Text)
	}
	sam := newBrowser(t, "sam")
	sam.Do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	sam.Open(link, "#send-code")
	sam.Click("#send-code", "#accept-form")
	code := p.WaitMail(t, invited, "invitation code", func(m sentMail) bool { return regexp.MustCompile(`(?m)^\d{6}\s*$`).MatchString(m.Text) })
	sam.Type("#code", regexp.MustCompile(`(?m)^(\d{6})\s*$`).FindStringSubmatch(code.Text)[1])
	sam.Type("#password", "sam's phone password")
	sam.Click("#accept", "#queue-live")

	sam.Open(p.BaseURL+"/agent/notifications", "#notify-form")
	sam.Do(chromedp.Click(chromedp.CSS("input[name=follow]"), chromedp.NodeVisible))
	sam.Click("#notify-save", "#flash")

	customer := "dana-" + randomHex(3) + "@example.org"
	subject := "Phone case cracked " + randomHex(3)
	_, number := p.WriteIn(t, customer, subject, "Hello,\nmy case arrived cracked.\nDana")
	notice := p.WaitMail(t, invited, "new-ticket notice", func(m sentMail) bool { return strings.Contains(m.Subject, "New ticket") })
	if !strings.Contains(notice.Text, fmt.Sprintf("/agent/tickets/%d", number)) || strings.Contains(notice.Text, "cracked.") {
		t.Errorf("notice is not notify-only with the agent link:\n%s", notice.Text)
	}

	sam.Open(p.BaseURL+"/agent", fmt.Sprintf("#queue-%d", number))
	if sam.ScrollsSideways(390) {
		t.Error("on a 390px wide phone the queue scrolls sideways")
	}
	png := get(sam, chromedp.FullScreenshot(100))
	sam.save("queue-phone", png)
	if *updateDocs {
		if err := os.WriteFile(filepath.Join("..", "docs", "agent-queue.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sam.Click(fmt.Sprintf("#queue-%d a", number), "#thread")
	if sam.ScrollsSideways(390) {
		t.Error("on a 390px wide phone the ticket page scrolls sideways")
	}
	sam.Click("#canned-insert", "#reply-text")
	want := fmt.Sprintf("ticket #%d is fixed. Sam Phone", number)
	if got := get(sam, chromedp.Evaluate[string](`document.querySelector('#reply-text').value`)); !strings.Contains(got, want) {
		t.Fatalf("canned reply inserted as %q, want it to contain %q", got, want)
	}
	sam.Shot("canned-inserted")
	// The page's live stream opens as it loads; the mail below takes a poll
	// to arrive, longer than that.

	// The customer writes meanwhile: the new message is highlighted and the
	// first press of Reply only asks to confirm; the second sends.
	more := "Also the charger is missing, M-" + randomHex(3)
	p.SendMail(t, customer, fmt.Sprintf("Re: [#%d] %s", number, subject), more)
	sam.WaitText("#thread li.message.fresh", more, mailWait)
	sam.Do(chromedp.Click(chromedp.CSS("#action-reply"), chromedp.NodeVisible))
	sam.Do(chromedp.WaitVisible(chromedp.CSS("#stale-warning")))
	if strings.Contains(sam.Text("#thread"), want) {
		t.Fatal("the reply went out over the customer's new message without a confirmation")
	}
	sam.Shot("stale-guard")
	sam.Click("#action-reply", "#thread")
	sam.WaitText("#thread", want, pageWait)
	p.WaitMail(t, customer, "alert for the canned reply", func(m sentMail) bool {
		return strings.Contains(m.Text, "The support team replied")
	})
}
