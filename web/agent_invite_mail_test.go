package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"inboxdesk/devmail"
	"inboxdesk/ticket"
	"inboxdesk/web"
)

// TestInvitationByEmail runs an invitation with real mail: the link and then
// the code are read from the messages the dev SMTP server captured.
func TestInvitationByEmail(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sink, err := devmail.StartSMTP(ctx, "127.0.0.1:0", devmail.SMTPOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	mailer := codeMail(t, sink.Addr())
	e := newEnv(t, func(_ *web.Config, d *web.Deps) { d.Codes = mailer })
	admin, _ := e.adminBrowser("lee@support.test")
	admin.invite("sam@support.test", "agent").want(http.StatusOK, "Invitation sent")

	body := readMail(t, ctx, sink, 1, "sam@support.test", "You are invited")
	if !strings.Contains(body, "Hello Sam New") {
		t.Fatalf("invitation does not greet the agent:\n%s", body)
	}
	m := regexp.MustCompile(`(?m)^(http://\S+/agent/invite\?k=\S+?)\r?$`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no invitation link on its own line:\n%s", body)
	}
	u, _ := url.Parse(m[1])
	sam := e.browser()
	p := sam.askInviteCode(u.RequestURI())
	code := regexp.MustCompile(`(?m)^(\d{6})\r?$`).FindStringSubmatch(readMail(t, ctx, sink, 2, "sam@support.test", ""))
	if code == nil {
		t.Fatal("no code in the second mail")
	}
	p = sam.acceptInvite(p, code[1], "sam's own long secret")
	if p.status != http.StatusOK || p.url.Path != "/agent" {
		t.Fatalf("accept: %d %s", p.status, p.url)
	}
}

// readMail waits for the n-th captured mail, checks it goes to to only with
// the headers that keep auto-responders quiet and a subject containing
// subject, and returns its decoded text part.
func readMail(t *testing.T, ctx context.Context, sink *devmail.SMTP, n int, to, subject string) string {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sink.Wait(wctx, n); err != nil {
		t.Fatal(err)
	}
	got := sink.Messages()[n-1]
	if len(got.To) != 1 || got.To[0] != to {
		t.Fatalf("mail %d goes to %v, want %s", n, got.To, to)
	}
	hdr, text, _ := mailParts(t, got.Data)
	if hdr.Get("Auto-Submitted") != "auto-generated" || hdr.Get(ticket.LoopHeader) == "" ||
		!strings.Contains(hdr.Get("Subject"), subject) {
		t.Fatalf("mail %d headers: %v", n, hdr)
	}
	return text
}
