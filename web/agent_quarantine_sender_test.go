package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"inboxdesk/inbound/mailparse"
	"inboxdesk/ticket"
	"inboxdesk/web"
)

const trustedMX = "mx.support.test"

// forgedReply is a reply to Ana's first mail, claiming to be Ana, that the
// operator's mail server found failing DMARC.
const forgedReply = "Authentication-Results: " + trustedMX + "; spf=fail smtp.mailfrom=bank.example;\r\n" +
	"\tdmarc=fail header.from=bank.example\r\n" +
	"From: Ana <ana@bank.example>\r\nTo: support@support.test\r\nSubject: Re: Card blocked\r\n" +
	"Message-ID: <forged@evil.example>\r\nIn-Reply-To: <first@bank.example>\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n\r\nSend the new card to 1 Evil Road.\r\n"

// ingestRaw parses raw as the poller does (sender checked against the
// trusted server) and ingests it.
func (e *env) ingestRaw(raw string) ticket.Result {
	e.t.Helper()
	in, err := mailparse.Parse([]byte(raw), mailparse.DefaultLimits())
	if err != nil {
		e.t.Fatal(err)
	}
	in.SenderAuthFailure = mailparse.SenderAuthFailure([]byte(raw), trustedMX)
	e.uid++
	res, err := e.tickets.IngestBatch(e.ctx, e.cp, []ticket.Mail{{UID: e.uid, Raw: []byte(raw), Parsed: in}})
	if err != nil {
		e.t.Fatal(err)
	}
	e.cp.LastUID = e.uid
	return res[0]
}

// A mail held for failing sender authentication is listed with its From,
// subject and reason; an agent releases it, and it becomes a new ticket,
// never a message on Ana's.
func TestAgentReleasesMailHeldForItsSender(t *testing.T) {
	e := newEnv(t, func(c *web.Config, _ *web.Deps) { c.TrustedAuthservID = trustedMX })
	first := mail("ana@bank.example", "Card blocked", "Please unblock my card.", "")
	first.MessageID = "first@bank.example"
	n := e.mailIn(first)
	if r := e.ingestRaw(forgedReply); r.Outcome != ticket.OutcomeQuarantined {
		t.Fatalf("forged reply: %+v, want held", r)
	}
	id := e.heldMail()
	b, _ := e.agentBrowser("zoe@support.example")
	p := b.get("/agent/quarantine")
	p.want(http.StatusOK, "sender authentication failed", "dmarc=fail")
	if from := p.text(fmt.Sprintf("q-from-%d", id)); from != "Ana <ana@bank.example>" {
		t.Errorf("From shown as %q", from)
	}
	if subject := p.text(fmt.Sprintf("q-subject-%d", id)); subject != "Re: Card blocked" {
		t.Errorf("subject shown as %q", subject)
	}
	if p.byID(fmt.Sprintf("q-release-%d", id)) == nil || p.byID(fmt.Sprintf("q-retry-%d", id)) != nil {
		t.Fatalf("want a release button instead of retry\n%s", p.text("quarantine"))
	}
	b.post(fmt.Sprintf("/agent/quarantine/%d/retry", id), url.Values{"csrf": {p.input("csrf")}}).
		want(http.StatusOK, "The mail was ingested.")
	if msgs := e.messages(n, true); len(msgs) != 1 {
		t.Fatalf("Ana's ticket has %d messages after the release, want 1: the forged mail threaded", len(msgs))
	}
	q := b.get("/agent?status=all&q=Evil")
	if !strings.Contains(q.text("queue"), "Card blocked") {
		t.Fatalf("the released mail opened no ticket of its own\n%s", q.text("queue"))
	}
}

// Retrying mail held for another reason judges its sender again.
func TestQuarantineRetryChecksTheSender(t *testing.T) {
	e := newEnv(t, func(c *web.Config, _ *web.Deps) { c.TrustedAuthservID = trustedMX })
	id := e.hold(forgedReply, "parser crashed (since fixed)")
	b, _ := e.agentBrowser("zoe@support.example")
	p := b.get("/agent/quarantine")
	b.post(fmt.Sprintf("/agent/quarantine/%d/retry", id), url.Values{"csrf": {p.input("csrf")}}).
		want(http.StatusUnprocessableEntity, "sender authentication failed", "stays in quarantine")
	if e.heldMail() != id {
		t.Fatal("the retry took the forged mail out of quarantine")
	}
}
