package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// A mailbox whose backlog on the mail server stopped shrinking is named in
// a banner on the agents' queue until it moves again.
func TestAgentQueueShowsStalledMailbox(t *testing.T) {
	e := newEnv(t, nil)
	b, _ := e.agentBrowser("zoe@support.example")
	if p := b.get("/agent"); p.byID("mailbox-stalled-support") != nil {
		t.Fatal("banner shown for a mailbox with no backlog")
	}
	oldest := time.Now().Add(-7 * time.Minute)
	for i := 0; i < 3; i++ {
		if _, err := e.tickets.RecordBacklog(e.ctx, e.cp.MailboxID, 12, oldest, 3); err != nil {
			t.Fatal(err)
		}
		if i < 2 && b.get("/agent").byID("mailbox-stalled-support") != nil {
			t.Fatalf("banner shown after %d polls, want it after 3", i+1)
		}
	}
	p := b.get("/agent")
	p.want(http.StatusOK)
	if got := p.text("mailbox-stalled-support"); !strings.Contains(got, "12 mails") || !strings.Contains(got, "7m") {
		t.Fatalf("banner %q, want the count and the oldest mail's wait", got)
	}
	if _, err := e.tickets.RecordBacklog(e.ctx, e.cp.MailboxID, 0, time.Time{}, 3); err != nil {
		t.Fatal(err)
	}
	if b.get("/agent").byID("mailbox-stalled-support") != nil {
		t.Fatal("banner still shown after the backlog was ingested")
	}
}
