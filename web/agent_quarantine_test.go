package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"inboxdesk/ticket"
)

// hold puts raw into quarantine as the poller does for mail it could not
// parse, and returns its id.
func (e *env) hold(raw, reason string) int64 {
	e.t.Helper()
	e.uid++
	_, err := e.tickets.IngestBatch(e.ctx, e.cp, []ticket.Mail{{UID: e.uid, Raw: []byte(raw), ParseReason: reason}})
	if err != nil {
		e.t.Fatal(err)
	}
	e.cp.LastUID = e.uid
	return e.heldMail()
}

const readableMail = "From: Ana <ana@example.org>\r\nTo: support@example.com\r\nSubject: Lost parcel\r\n" +
	"Message-ID: <parcel1@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMy parcel never came.\r\n"

const autoMail = "From: robot@example.org\r\nTo: support@example.com\r\nSubject: Out of office\r\n" +
	"Auto-Submitted: auto-replied\r\nMessage-ID: <ooo1@example.org>\r\n\r\nI am away.\r\n"

// TestAgentQuarantine: the list shows the reason; the raw source downloads
// as a file; retry ingests a mail that parses now (a new ticket); discard
// drops one; a mail that still cannot be parsed stays, with the reason.
func TestAgentQuarantine(t *testing.T) {
	e := newEnv(t, nil)
	readable := e.hold(readableMail, "parser crashed (since fixed)")
	broken := e.hold("   \r\n", "empty message")
	dropped := e.hold(readableMail+"x", "parser crashed (since fixed)")
	b, _ := e.agentBrowser("zoe@support.example")
	p := b.get("/agent/quarantine")
	p.want(http.StatusOK, "parser crashed (since fixed)")
	for _, id := range []int64{readable, broken, dropped} {
		if p.byID(fmt.Sprintf("q%d", id)) == nil {
			t.Fatalf("quarantine page lacks mail %d", id)
		}
	}

	resp := b.noFollow(http.MethodGet, fmt.Sprintf("/agent/quarantine/%d/raw", readable))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "message/rfc822" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("raw download: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	if raw := b.get(fmt.Sprintf("/agent/quarantine/%d/raw", readable)).body; raw != readableMail {
		t.Fatalf("raw source %q", raw)
	}

	post := func(id int64, what string, extra ...string) *page {
		f := url.Values{"csrf": {b.get("/agent/quarantine").input("csrf")}}
		if len(extra) == 2 {
			f.Set(extra[0], extra[1])
		}
		return b.post(fmt.Sprintf("/agent/quarantine/%d/%s", id, what), f)
	}
	post(readable, "retry").want(http.StatusOK, "The mail was ingested.")
	q := b.get("/agent?status=all&q=parcel")
	if q.byID("queue") == nil || !strings.Contains(q.text("queue"), "Lost parcel") {
		t.Fatalf("retried mail made no ticket\n%s", q.body)
	}
	post(broken, "retry").want(http.StatusUnprocessableEntity, "empty message", "stays in quarantine")
	post(dropped, "discard").want(http.StatusOK, "The mail was discarded.")
	p = b.get("/agent/quarantine")
	if p.byID(fmt.Sprintf("q%d", readable)) != nil || p.byID(fmt.Sprintf("q%d", dropped)) != nil ||
		p.byID(fmt.Sprintf("q%d", broken)) == nil {
		t.Fatalf("after retry and discard the list is wrong\n%s", p.text("quarantine"))
	}
	post(dropped, "discard").want(http.StatusNotFound)
	post(readable, "retry").want(http.StatusNotFound)
}

// TestAgentQuarantineForce: machine mail that threads to no ticket is held;
// a plain retry leaves it held, "ingest as a person's mail" opens a ticket.
func TestAgentQuarantineForce(t *testing.T) {
	e := newEnv(t, nil)
	in := mail("robot@example.org", "Out of office", "I am away.", "")
	in.AutoSubmitted = "auto-replied"
	e.uid++
	if _, err := e.tickets.IngestBatch(e.ctx, e.cp, []ticket.Mail{{UID: e.uid, Raw: []byte(autoMail), Parsed: in}}); err != nil {
		t.Fatal(err)
	}
	id := e.heldMail()
	b, _ := e.agentBrowser("zoe@support.example")
	p := b.get("/agent/quarantine")
	if p.byID(fmt.Sprintf("q-force-%d", id)) == nil {
		t.Fatalf("no force button for auto-submitted mail\n%s", p.body)
	}
	f := url.Values{"csrf": {p.input("csrf")}}
	b.post(fmt.Sprintf("/agent/quarantine/%d/retry", id), f).want(http.StatusUnprocessableEntity, "stays in quarantine")
	if e.heldMail() != id {
		t.Fatal("a refused retry took the mail out of quarantine")
	}
	f.Set("force", "1")
	b.post(fmt.Sprintf("/agent/quarantine/%d/retry", id), f).want(http.StatusOK, "The mail was ingested.")
	if !strings.Contains(b.get("/agent?status=all&q=robot@example.org").text("queue"), "Out of office") {
		t.Fatal("forced retry opened no ticket")
	}
}
