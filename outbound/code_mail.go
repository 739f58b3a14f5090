package outbound

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"inboxdesk/ticket"
)

// DefaultCodeTTL is the code lifetime a code mail states when NewCodeMail
// is given none.
const DefaultCodeTTL = 10 * time.Minute

// shortPhrases are the catalog keys the code and invitation mails use;
// start-up checks that the catalog has them.
var shortPhrases = []string{"code_mail_subject", "code_mail_intro", "code_mail_validity", "code_mail_ignore",
	"invite_mail_subject", "invite_mail_intro", "invite_mail_code"}

// CodeMail sends the mails a visitor waits for on a page — a one-time code,
// an agent's invitation — at once, not through the alert queue. They are
// composed like alerts: the brand, a text and an HTML part in the visitor's
// language, and the headers that keep auto-responders quiet and make our
// own mail, should it come back, open no ticket. It is safe for concurrent use.
type CodeMail struct {
	comp    *Composer
	mailer  Mailer
	codeTTL time.Duration
}

// NewCodeMail returns a CodeMail composing with comp and sending through
// mailer; codeTTL is the code lifetime the mail states (zero means
// DefaultCodeTTL).
func NewCodeMail(comp *Composer, mailer Mailer, codeTTL time.Duration) (*CodeMail, error) {
	if comp == nil || mailer == nil {
		return nil, errors.New("code mail: needs a composer and a mailer")
	}
	if codeTTL <= 0 {
		codeTTL = DefaultCodeTTL
	}
	return &CodeMail{comp: comp, mailer: mailer, codeTTL: codeTTL}, nil
}

// SendCode mails code to the address to, in language l (else the default).
func (m *CodeMail) SendCode(ctx context.Context, to, code, l string) error {
	l = m.comp.language(l)
	cat := m.comp.templates.cat
	return m.send(ctx, "code", to, l, cat.Text(l, "code_mail_subject"), shortView{
		Intro:  cat.Text(l, "code_mail_intro"),
		Code:   code,
		After:  cat.Format(l, "code_mail_validity", int(m.codeTTL/time.Minute)),
		Ignore: cat.Text(l, "code_mail_ignore"),
	})
}

// SendInvite mails an agent's invitation link to the address to. It says
// only who is invited and where to go: the link alone sets nothing (a code
// sent to the same address is needed too).
func (m *CodeMail) SendInvite(ctx context.Context, to, name, link, l string) error {
	l = m.comp.language(l)
	cat := m.comp.templates.cat
	return m.send(ctx, "invite", to, l, cat.Text(l, "invite_mail_subject"), shortView{
		Intro:  cat.Format(l, "invite_mail_intro", oneLine(name)),
		URL:    link,
		After:  cat.Text(l, "invite_mail_code"),
		Ignore: cat.Text(l, "code_mail_ignore"),
	})
}

// send composes a short mail of kind ("code", "invite": it starts the
// Message-ID) and hands it to the mailer.
func (m *CodeMail) send(ctx context.Context, kind, to, l, subject string, v shortView) error {
	rcpt, err := mail.ParseAddress(to)
	if err != nil || strings.ContainsAny(to, "\r\n") {
		return fmt.Errorf("%s mail: bad recipient", kind)
	}
	raw, err := m.comp.composeShort(kind, ticket.Address{Email: rcpt.Address}, l, subject, v)
	if err != nil {
		return fmt.Errorf("%s mail: %w", kind, err)
	}
	if err := m.mailer.Send(ctx, m.comp.From().Email, []string{rcpt.Address}, raw); err != nil {
		return fmt.Errorf("%s mail: %w", kind, err)
	}
	return nil
}

// composeShort renders v in l as a complete message to rcpt, with a fresh
// Message-ID: such a mail is sent once, never retried under the same one.
func (c *Composer) composeShort(kind string, rcpt ticket.Address, l, subject string, v shortView) ([]byte, error) {
	v.frame = c.templates.frame(l, subject, c.cfg.Brand)
	r, err := c.templates.render("short", v)
	if err != nil {
		return nil, err
	}
	var body bytes.Buffer
	boundary, err := writeBody(&body, r)
	if err != nil {
		return nil, err
	}
	domain := c.cfg.From.Email[strings.LastIndexByte(c.cfg.From.Email, '@')+1:]
	fields := []field{
		{"From", formatAddress(c.cfg.From)},
		{"To", formatAddress(rcpt)},
		{"Subject", encodeHeader(subject)},
		{"Date", c.cfg.Now().Format(time.RFC1123Z)},
		{"Message-ID", "<" + kind + "." + rand.Text() + "@" + domain + ">"},
	}
	fields = append(fields, c.ownMailFields()...)
	return joinMessage(append(fields, alternativeFields(l, boundary)...), body.Bytes()), nil
}
