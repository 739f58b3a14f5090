package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net/http"
	netmail "net/mail"
	"net/smtp"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"inboxdesk/devmail"
	"inboxdesk/web"
)

// smtpSender hands raw messages to an SMTP server (the dev capture server here).
type smtpSender struct{ addr string }

func (s smtpSender) Send(_ context.Context, from string, to []string, raw []byte) error {
	return smtp.SendMail(s.addr, nil, from, to, raw)
}

// TestCodeByEmail runs the guest path with real mail: the code is read from
// the message the dev SMTP server captured, as the browser test will.
func TestCodeByEmail(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sink, err := devmail.StartSMTP(ctx, "127.0.0.1:0", devmail.SMTPOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	mailer, err := web.NewCodeMail(netmail.Address{Name: "Support", Address: "no-reply@support.test"},
		smtpSender{sink.Addr()}, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
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
	msg, err := netmail.ReadMessage(bytes.NewReader(got.Data))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Header.Get("Auto-Submitted") != "auto-generated" || msg.Header.Get("Content-Language") != "es" {
		t.Fatalf("headers: %v", msg.Header)
	}
	body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
	code := regexp.MustCompile(`(?m)^(\d{6})\r?$`).FindStringSubmatch(string(body))
	if code == nil || !strings.Contains(string(body), "código") {
		t.Fatalf("no Spanish text with the code on its own line:\n%s", body)
	}
	p = b.post("/code", url.Values{"csrf": {p.input("csrf")}, "k": {p.input("k")}, "code": {code[1]}})
	p.want(http.StatusOK, "Necesito ayuda")
}
