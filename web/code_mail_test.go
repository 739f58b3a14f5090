package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	netmail "net/mail"
	"net/smtp"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"inboxdesk/brand"
	"inboxdesk/devmail"
	"inboxdesk/inbound/mailparse"
	"inboxdesk/link"
	"inboxdesk/outbound"
	"inboxdesk/ticket"
	"inboxdesk/web"
)

// smtpSender hands raw messages to an SMTP server (the dev capture server here).
type smtpSender struct{ addr string }

func (s smtpSender) Send(_ context.Context, from string, to []string, raw []byte) error {
	return smtp.SendMail(s.addr, nil, from, to, raw)
}

// codeMail composes the code and invitation mails as serve does, for the
// brand "Acme Help", and sends them to the SMTP server at addr.
func codeMail(t *testing.T, addr string) *outbound.CodeMail {
	t.Helper()
	keys, err := link.ParseKeys("k1:" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("m", 32))))
	if err != nil {
		t.Fatal(err)
	}
	base, err := link.ParseBaseURL("https://help.support.test")
	if err != nil {
		t.Fatal(err)
	}
	comp, err := outbound.NewComposer(outbound.ComposeConfig{From: ticket.Address{Name: "Support", Email: "no-reply@support.test"},
		Keys: keys, BaseURL: base, Domain: "support.test", Brand: brand.Brand{Name: "Acme Help"}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := outbound.NewCodeMail(comp, smtpSender{addr}, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// mailParts reads a captured mail: its header and its decoded text and HTML parts.
func mailParts(t *testing.T, raw []byte) (netmail.Header, string, string) {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q: want multipart/alternative", msg.Header.Get("Content-Type"))
	}
	parts := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart() // decodes quoted-printable
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		parts[ct] = string(b)
	}
	return msg.Header, parts["text/plain"], parts["text/html"]
}

// TestCodeByEmail runs the guest path with real mail: the code is read from
// the message the dev SMTP server captured, as the browser test will. The
// mail is composed like an alert (brand, both parts, the visitor's language,
// our loop header), and when it comes back to the support mailbox it opens
// no ticket.
func TestCodeByEmail(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sink, err := devmail.StartSMTP(ctx, "127.0.0.1:0", devmail.SMTPOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	mailer := codeMail(t, sink.Addr())
	e := newEnv(t, func(_ *web.Config, d *web.Deps) { d.Codes = mailer })
	n := e.mailIn(mail("lola@example.es", "Hola", "Necesito ayuda", ""))
	b := e.browser()
	b.hdr = http.Header{"Accept-Language": {"es"}}
	p := b.get(e.linkFor(n, "lola@example.es"))
	p = b.post(fmt.Sprintf("/t/%d/code", n), url.Values{"csrf": {p.input("csrf")}, "k": {p.input("k")}})
	p.want(http.StatusOK)

	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := sink.Wait(wctx, 1); err != nil {
		t.Fatal(err)
	}
	got := sink.Messages()[0]
	if len(got.To) != 1 || got.To[0] != "lola@example.es" || got.From != "no-reply@support.test" {
		t.Fatalf("envelope: from %q to %v", got.From, got.To)
	}
	hdr, text, html := mailParts(t, got.Data)
	if hdr.Get("Auto-Submitted") != "auto-generated" || hdr.Get("X-Auto-Response-Suppress") != "All" ||
		hdr.Get(ticket.LoopHeader) != "support.test" || hdr.Get("Content-Language") != "es" {
		t.Fatalf("headers: %v", hdr)
	}
	code := regexp.MustCompile(`(?m)^(\d{6})\r?$`).FindStringSubmatch(text)
	if code == nil || !strings.Contains(text, "código") || !strings.Contains(text, "Acme Help") {
		t.Fatalf("no branded Spanish text with the code on its own line:\n%s", text)
	}
	if !strings.Contains(html, ">"+code[1]+"<") || !strings.Contains(html, "Acme Help") || !strings.Contains(html, `lang="es"`) {
		t.Fatalf("the HTML part lacks the code or the brand:\n%s", html)
	}
	p = b.post("/code", url.Values{"csrf": {p.input("csrf")}, "k": {p.input("k")}, "code": {code[1]}})
	p.want(http.StatusOK, "Necesito ayuda")

	back, err := mailparse.Parse(got.Data, mailparse.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.tickets.IngestBatch(e.ctx, e.cp, []ticket.Mail{{UID: 99, Raw: got.Data, Parsed: back}})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Outcome == ticket.OutcomeNewTicket || res[0].Ticket != 0 || back.AutoSubmitted != "our own loop header" {
		t.Errorf("our code mail came back as %+v (judged %q), want no ticket", res[0], back.AutoSubmitted)
	}
}
