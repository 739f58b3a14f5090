package outbound

import (
	"context"
	"errors"
	"mime"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"inboxdesk/brand"
	"inboxdesk/ticket"
)

// recordingMailer keeps what it is asked to send.
type recordingMailer struct {
	from string
	to   []string
	raw  []byte
	err  error
}

func (m *recordingMailer) Send(_ context.Context, from string, to []string, raw []byte) error {
	m.from, m.to, m.raw = from, to, raw
	return m.err
}

func testCodeMail(t *testing.T, mod func(*ComposeConfig)) (*CodeMail, *recordingMailer) {
	t.Helper()
	c := testComposeConfig(t)
	c.Brand = brand.Brand{Name: "Acme Help", HelpURL: "https://acme.example/help", Footer: "Acme Ltd\n1 Main St"}
	if mod != nil {
		mod(&c)
	}
	comp, err := NewComposer(c)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recordingMailer{}
	m, err := NewCodeMail(comp, rec, 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return m, rec
}

var codeLine = regexp.MustCompile(`(?m)^(\d{6})\r?$`)

// The code mail is composed like an alert: our headers, the brand in both
// parts, the visitor's language, and the code on a line of its own.
func TestCodeMailComposedLikeAlerts(t *testing.T) {
	tests := []struct{ lang, want, subject, validity string }{
		{"es-MX", "es", "Tu código de un solo uso", "Sirve durante 15 minutos"},
		{"en", "en", "Your one-time code", "It works for 15 minutes"},
		{"fr", "en", "Your one-time code", "It works for 15 minutes"}, // no French: the default
	}
	for _, tt := range tests {
		m, rec := testCodeMail(t, nil)
		if err := m.SendCode(context.Background(), "Lola <lola@example.es>", "123456", tt.lang); err != nil {
			t.Fatal(err)
		}
		if rec.from != "no-reply@example.com" || !slices.Equal(rec.to, []string{"lola@example.es"}) {
			t.Errorf("envelope from %q to %v", rec.from, rec.to)
		}
		p := parseAlert(t, rec.raw)
		for k, want := range map[string]string{
			"Auto-Submitted":           "auto-generated",
			"X-Auto-Response-Suppress": "All",
			ticket.LoopHeader:          "help.example.com",
			"Content-Language":         tt.want,
			"To":                       "<lola@example.es>",
		} {
			if got := p.Header.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", tt.lang, k, got, want)
			}
		}
		if id := p.Header.Get("Message-ID"); !strings.HasPrefix(id, "<code.") || !strings.HasSuffix(id, "@example.com>") {
			t.Errorf("Message-ID %q", id)
		}
		if subject := decodeSubject(t, p); subject != tt.subject {
			t.Errorf("%s: subject %q, want %q", tt.lang, subject, tt.subject)
		}
		if c := codeLine.FindStringSubmatch(p.Text); c == nil || c[1] != "123456" {
			t.Errorf("%s: the code is not on a line of its own:\n%s", tt.lang, p.Text)
		}
		for part, body := range map[string]string{"text": p.Text, "HTML": p.HTML} {
			for _, want := range []string{"Acme Help", "123456", tt.validity, "https://acme.example/help", "1 Main St"} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: the %s part lacks %q:\n%s", tt.lang, part, want, body)
				}
			}
		}
	}
}

func TestInviteMailCarriesTheLinkOnly(t *testing.T) {
	m, rec := testCodeMail(t, nil)
	link := "https://help.example.com/desk/agent/invite?k=abc.def"
	if err := m.SendInvite(context.Background(), "sam@example.com", "Sam <b>New</b>", link, "en"); err != nil {
		t.Fatal(err)
	}
	p := parseAlert(t, rec.raw)
	if !strings.HasPrefix(p.Header.Get("Message-ID"), "<invite.") || p.Header.Get(ticket.LoopHeader) == "" {
		t.Errorf("headers %v", p.Header)
	}
	if !regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(link)+`\r?$`).MatchString(p.Text) ||
		!strings.Contains(p.Text, "Hello Sam <b>New</b>") {
		t.Errorf("text part:\n%s", p.Text)
	}
	if !strings.Contains(p.HTML, `href="`+link+`"`) || strings.Contains(p.HTML, "<b>New</b>") {
		t.Errorf("HTML part lacks the link or shows the name as markup:\n%s", p.HTML)
	}
}

func TestCodeMailRefusesBadRecipients(t *testing.T) {
	m, rec := testCodeMail(t, nil)
	for _, to := range []string{"", "not an address", "a@example.com\r\nBcc: b@example.com"} {
		if err := m.SendCode(context.Background(), to, "123456", "en"); err == nil || rec.raw != nil {
			t.Errorf("SendCode(%q) = %v, sent %d bytes", to, err, len(rec.raw))
		}
	}
	rec.err = errors.New("451 try later")
	if err := m.SendCode(context.Background(), "a@example.com", "123456", "en"); err == nil ||
		!strings.Contains(err.Error(), "451 try later") {
		t.Errorf("a refused send gave %v", err)
	}
}

func decodeSubject(t *testing.T, p parsed) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(p.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
