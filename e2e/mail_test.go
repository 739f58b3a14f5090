package e2e

import (
	"fmt"
	"net/http"
	"net/smtp"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// mailWait bounds how long a test waits for inboxdesk to send an email:
// one poll (3s), the alert coalescing window (3s) and a sender round (1s)
// with room to spare on a loaded machine.
const mailWait = 40 * time.Second

// SendMail submits a plain-text email to support@example.com over the
// demo's SMTP server, as any mail client would.
func (p *product) SendMail(t *testing.T, from, subject, body string) {
	t.Helper()
	p.sendTyped(t, from, subject, "text/plain", body)
}

// sendTyped submits a one-part email whose body has the media type.
func (p *product) sendTyped(t *testing.T, from, subject, mediaType, body string) {
	t.Helper()
	msg := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@e2e.example.net>\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: %s; charset=utf-8\r\n\r\n%s\r\n",
		from, supportAddr, subject, time.Now().Format(time.RFC1123Z), randomHex(8), mediaType,
		strings.ReplaceAll(body, "\n", "\r\n"))
	p.SendRaw(t, from, msg)
}

// SendRaw submits the whole message msg (header and body, CRLF line ends)
// from the address from to support@example.com.
func (p *product) SendRaw(t *testing.T, from, msg string) {
	t.Helper()
	if err := smtp.SendMail(p.SMTPAddr, nil, from, []string{supportAddr}, []byte(msg)); err != nil {
		t.Fatalf("send mail to %s via %s: %v", supportAddr, p.SMTPAddr, err)
	}
}

// WriteIn mails support as from, waits for the acknowledgement alert and
// returns it with the number of the ticket it names.
func (p *product) WriteIn(t *testing.T, from, subject, body string) (sentMail, int64) {
	t.Helper()
	p.SendMail(t, from, subject, body)
	return p.WaitAck(t, from)
}

// WaitAck waits for the acknowledgement alert to the address to and returns
// it with the number of the ticket it names.
func (p *product) WaitAck(t *testing.T, to string) (sentMail, int64) {
	t.Helper()
	ack := p.WaitMail(t, to, "acknowledgement alert", func(m sentMail) bool {
		return strings.HasPrefix(m.Subject, "We received your support request")
	})
	return ack, ticketNumber(t, ack)
}

// sentMail is one email as the dev outbox page shows it.
type sentMail struct {
	ID      string // the article's id, "mail-N"
	Subject string
	To      string
	Text    string
	Links   []string
}

// Outbox reads the dev outbox page: every email inboxdesk sent, newest first.
func (p *product) Outbox(t *testing.T) []sentMail {
	t.Helper()
	resp, err := http.Get(p.BaseURL + "/dev/outbox")
	if err != nil {
		t.Fatalf("dev outbox: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("dev outbox: %s", resp.Status)
	}
	doc, err := html.Parse(resp.Body)
	if err != nil {
		t.Fatalf("dev outbox: %v", err)
	}
	var mails []sentMail
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == "article" && hasClass(n, "mail") {
			mails = append(mails, mailOf(n))
		}
	}
	return mails
}

func mailOf(article *html.Node) sentMail {
	m := sentMail{ID: attr(article, "id")}
	for n := range article.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch {
		case hasClass(n, "subject"):
			m.Subject = strings.TrimSpace(textOf(n))
		case hasClass(n, "to"):
			m.To = strings.TrimSpace(textOf(n))
		case hasClass(n, "text"):
			m.Text = textOf(n)
		case n.Data == "a" && hasClass(n, "link"):
			m.Links = append(m.Links, attr(n, "href"))
		}
	}
	return m
}

// WaitMail waits until the dev outbox holds an email to the address to for
// which match is true, and returns the newest such email.
func (p *product) WaitMail(t *testing.T, to, what string, match func(sentMail) bool) sentMail {
	t.Helper()
	deadline := time.Now().Add(mailWait)
	for {
		mails := p.Outbox(t)
		for _, m := range mails {
			if strings.EqualFold(m.To, to) && match(m) {
				return m
			}
		}
		if time.Now().After(deadline) {
			var seen []string
			for _, m := range mails {
				seen = append(seen, fmt.Sprintf("%s to %s: %q", m.ID, m.To, m.Subject))
			}
			t.Fatalf("no %s to %s on the dev outbox within %v; it has:\n%s", what, to, mailWait, strings.Join(seen, "\n"))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// MailsTo returns the emails on the dev outbox sent to the address to, newest first.
func (p *product) MailsTo(t *testing.T, to string) []sentMail {
	t.Helper()
	var out []sentMail
	for _, m := range p.Outbox(t) {
		if strings.EqualFold(m.To, to) {
			out = append(out, m)
		}
	}
	return out
}

var (
	receivedSubject = regexp.MustCompile(`^We received your support request \[#(\d+)\]$`)
	codeLine        = regexp.MustCompile(`(?m)^\s*(\d[\d -]{4,}\d)\s*$`)
)

// ticketNumber returns the number an acknowledgement alert names.
func ticketNumber(t *testing.T, ack sentMail) int64 {
	t.Helper()
	m := receivedSubject.FindStringSubmatch(ack.Subject)
	if m == nil {
		t.Fatalf("acknowledgement subject %q does not read \"We received your support request [#NUMBER]\"", ack.Subject)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// oneTimeCode returns the code a sign-in code email carries on a line of its own.
func oneTimeCode(t *testing.T, m sentMail) string {
	t.Helper()
	match := codeLine.FindStringSubmatch(m.Text)
	if match == nil {
		t.Fatalf("code email %q has no code on a line of its own:\n%s", m.Subject, m.Text)
	}
	code := strings.NewReplacer(" ", "", "-", "").Replace(match[1])
	if len(code) < 6 {
		t.Fatalf("code %q is shorter than 6 digits", code)
	}
	return code
}

func hasClass(n *html.Node, class string) bool {
	return strings.Contains(" "+attr(n, "class")+" ", " "+class+" ")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}
