package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
)

// MailSender sends one raw RFC 5322 message (outbound.Transport is one).
type MailSender interface {
	Send(ctx context.Context, from string, to []string, raw []byte) error
}

// CodeMail is a CodeMailer that sends the code as a short plain-text email
// in the visitor's language, the code on a line of its own. It carries the
// headers that keep auto-responders quiet.
type CodeMail struct {
	From     mail.Address // the no-reply sender, also the envelope sender
	Sender   MailSender
	CodeTTL  time.Duration // stated in the mail; zero means 10 minutes
	Language string        // used when SendCode gets one without a translation; "" means "en"
	Now      func() time.Time
	cats     map[string]catalog
}

// NewCodeMail returns a CodeMail sending through sender from from.
func NewCodeMail(from mail.Address, sender MailSender, codeTTL time.Duration) (*CodeMail, error) {
	if _, err := mail.ParseAddress(from.Address); err != nil {
		return nil, fmt.Errorf("code mail: from address: %w", err)
	}
	if sender == nil {
		return nil, errors.New("code mail: no sender")
	}
	cats, err := loadCatalogs()
	if err != nil {
		return nil, fmt.Errorf("code mail: %w", err)
	}
	if codeTTL <= 0 {
		codeTTL = 10 * time.Minute
	}
	return &CodeMail{From: from, Sender: sender, CodeTTL: codeTTL, Language: "en", Now: time.Now, cats: cats}, nil
}

// SendCode mails code to the address to.
func (m *CodeMail) SendCode(ctx context.Context, to, code, lang string) error {
	rcpt, err := mail.ParseAddress(to)
	if err != nil || strings.ContainsAny(to, "\r\n") {
		return fmt.Errorf("code mail: bad recipient")
	}
	raw, err := m.compose(rcpt.Address, code, lang)
	if err != nil {
		return err
	}
	if err := m.Sender.Send(ctx, m.From.Address, []string{rcpt.Address}, raw); err != nil {
		return fmt.Errorf("code mail: %w", err)
	}
	return nil
}

// SendInvite mails an agent's invitation link to the address to. It says
// only who invites and where to go: the link alone sets nothing (a code sent
// to the same address is needed too).
func (m *CodeMail) SendInvite(ctx context.Context, to, name, link, lang string) error {
	rcpt, err := mail.ParseAddress(to)
	if err != nil || strings.ContainsAny(to, "\r\n") {
		return fmt.Errorf("invite mail: bad recipient")
	}
	lang, cat := m.catalog(lang)
	raw, err := m.composeText(rcpt.Address, "invite", cat.text("invite_mail_subject"), lang,
		cat.format("invite_mail_intro", name), link, cat.text("invite_mail_code"), cat.text("code_mail_ignore"))
	if err != nil {
		return err
	}
	if err := m.Sender.Send(ctx, m.From.Address, []string{rcpt.Address}, raw); err != nil {
		return fmt.Errorf("invite mail: %w", err)
	}
	return nil
}

// catalog returns lang, or the fallback language when lang has no
// translation, and its catalog.
func (m *CodeMail) catalog(lang string) (string, catalog) {
	for _, l := range []string{lang, m.Language, "en"} {
		if _, ok := m.cats[l]; ok {
			return l, m.cats[l]
		}
	}
	return "en", m.cats["en"]
}

func (m *CodeMail) compose(to, code, lang string) ([]byte, error) {
	lang, cat := m.catalog(lang)
	return m.composeText(to, "code", cat.text("code_mail_subject"), lang, cat.text("code_mail_intro"), code,
		cat.format("code_mail_validity", int(m.CodeTTL/time.Minute)), cat.text("code_mail_ignore"))
}

// composeText makes a plain-text mail of paragraphs, with the headers that
// keep auto-responders quiet; kind starts its Message-ID.
func (m *CodeMail) composeText(to, kind, subject, lang string, paragraphs ...string) ([]byte, error) {
	var body bytes.Buffer
	qp := quotedprintable.NewWriter(&body)
	fmt.Fprintf(qp, "%s\r\n", strings.Join(paragraphs, "\r\n\r\n"))
	if err := qp.Close(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	domain := m.From.Address[strings.LastIndexByte(m.From.Address, '@')+1:]
	hdr := [][2]string{
		{"From", m.From.String()},
		{"To", (&mail.Address{Address: to}).String()},
		{"Subject", mime.QEncoding.Encode("utf-8", subject)},
		{"Date", m.Now().Format(time.RFC1123Z)},
		{"Message-ID", "<" + kind + "." + randomHex(12) + "@" + domain + ">"},
		{"MIME-Version", "1.0"},
		{"Content-Type", "text/plain; charset=utf-8"},
		{"Content-Transfer-Encoding", "quoted-printable"},
		{"Content-Language", lang},
		{"Auto-Submitted", "auto-generated"},
		{"X-Auto-Response-Suppress", "All"},
	}
	for _, h := range hdr {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	b.WriteString("\r\n")
	b.Write(body.Bytes())
	return b.Bytes(), nil
}

func randomHex(n int) string {
	buf := make([]byte, n)
	_, _ = rand.Read(buf)
	return hex.EncodeToString(buf)
}
