package e2e

import (
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDemoPath is issue 6's newcomer path: on a fresh database `inboxdesk
// demo` prints where to go, `swaks` writes to support, the agent sees the
// new ticket arrive in the queue in the browser, the acknowledgement alert
// is on the dev outbox page, and Ctrl-C stops it all with status 0. Run
// again without --reset, the demo still has the tickets (none twice), the
// agent is still signed in and the alert's link still opens its page.
func TestDemoPath(t *testing.T) {
	t.Parallel()
	beginTest(t)
	swaks := needSwaks(t)
	p := startProduct(t)
	want := []string{p.BaseURL + "/agent/login", agentEmail, agentPassword,
		p.BaseURL + "/dev/outbox", "swaks --to " + supportAddr + " --server " + p.SMTPAddr}
	if missing := p.waitOutput(want, 5*time.Second); missing != "" {
		t.Errorf("inboxdesk demo did not print %q; it printed:\n%s", missing, p.log.Bytes())
	}

	a := newBrowser(t, "agent")
	signInAgent(a, p)
	a.OpenLive(p.BaseURL+"/agent", "#queue-live")
	a.WaitText("#queue-live", seededSubject, pageWait)
	a.Shot("queue-with-sample-mail")
	a.MarkPage()

	sender := "newcomer-" + randomHex(3) + "@example.net"
	subject := "My app crashes " + randomHex(3)
	out, err := exec.Command(swaks, "--to", supportAddr, "--server", p.SMTPAddr, "--from", sender,
		"--header", "Subject: "+subject, "--body", "It crashes when I press Save.").CombinedOutput()
	if err != nil {
		t.Fatalf("swaks: %v\n%s", err, out)
	}

	a.WaitText("#queue-live", subject, mailWait)
	if !a.StillSamePage() {
		t.Error("the queue reloaded to show the new ticket; it should update in place")
	}
	a.Shot("queue-with-swaks-mail")
	ack, number := p.WaitAck(t, sender)
	a.Click(fmt.Sprintf("#queue-%d a", number), "#thread")
	a.WaitText("#thread", "It crashes when I press Save.", pageWait)
	if got := a.Text("#customer-email"); got != sender {
		t.Errorf("ticket %d shows customer %q, want the swaks sender %q", number, got, sender)
	}
	a.Shot("swaks-ticket")

	a.Open(p.BaseURL+"/dev/outbox", "#"+ack.ID)
	if got := a.Text("#" + ack.ID + " .to"); got != sender {
		t.Errorf("dev outbox shows the acknowledgement to %q, want %q", got, sender)
	}
	a.WaitText("#"+ack.ID+" .subject", fmt.Sprintf("We received your request [#%d]", number), pageWait)
	p.WaitAck(t, seededSender)
	a.Shot("dev-outbox")

	// Ctrl-C, then `inboxdesk demo` again without --reset: the data stays.
	p = p.Restart(t)
	a.Open(p.BaseURL+"/agent", "#queue-live")
	a.WaitText(fmt.Sprintf("#queue-%d", number), subject, pageWait)
	if rows := get(a, chromedp.Evaluate[int](`document.querySelectorAll('#queue-live tr.queue-row').length`)); rows != 2 {
		t.Errorf("after a restart the queue lists %d tickets, want the same 2", rows)
	}
	a.Shot("queue-after-restart")
	customer := newBrowser(t, "customer")
	customer.Open(ack.Links[0], "#send-code")
	customer.Shot("alert-link-after-restart")

	// Mail written after the restart is a new ticket too: the embedded
	// mailbox starts over at UID 1, which must not make it look known.
	later := "returning-" + randomHex(3) + "@example.net"
	laterSubject := "Second question " + randomHex(3)
	out, err = exec.Command(swaks, "--to", supportAddr, "--server", p.SMTPAddr, "--from", later,
		"--header", "Subject: "+laterSubject, "--body", "Where is my invoice?").CombinedOutput()
	if err != nil {
		t.Fatalf("swaks after restart: %v\n%s", err, out)
	}
	a.OpenLive(p.BaseURL+"/agent", "#queue-live")
	a.WaitText("#queue-live", laterSubject, mailWait)
	p.WaitAck(t, later)
	a.Shot("queue-with-mail-after-restart")
}

// needSwaks returns the path of swaks; like chromium, it is skipped
// without, unless INBOXDESK_REQUIRE_CHROMIUM=1 (`make deps` installs both).
func needSwaks(t *testing.T) string {
	t.Helper()
	return needTool(t, "swaks", "swaks")
}
