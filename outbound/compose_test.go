package outbound

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"inboxdesk/delivery"
	"inboxdesk/lang"
	"inboxdesk/link"
	"inboxdesk/ticket"
)

var composeNow = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

func testKeys(t testing.TB) *link.Keyring {
	t.Helper()
	kr, err := link.ParseKeys("k1:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

func testComposeConfig(t testing.TB) ComposeConfig {
	base, _ := link.ParseBaseURL("https://help.example.com/desk")
	return ComposeConfig{
		From:            ticket.Address{Name: "Example Support", Email: "no-reply@example.com"},
		Keys:            testKeys(t),
		BaseURL:         base,
		LinkTTL:         72 * time.Hour,
		DefaultLanguage: "en",
		Domain:          "help.example.com",
		Now:             func() time.Time { return composeNow },
	}
}

func testComposer(t testing.TB) *Composer {
	t.Helper()
	c, err := NewComposer(testComposeConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testJob() ticket.AlertJob {
	return ticket.AlertJob{
		ID: 7, TicketNumber: 12345, Channel: "email", Reason: ticket.ReasonReplied, Tries: 1,
		Recipient:  ticket.Address{Name: "Alice Doe", Email: "Alice@Example.org"},
		MessageID:  "alert-7.12345@help.example.com",
		References: "CAF00first@mail.example.org",
		Subject:    "Refund for order 4411",
	}
}

// parsed is an alert as a mail client sees it.
type parsed struct {
	Header     mail.Header
	Order      []string // header names in order
	Text, HTML string
}

func parseAlert(t testing.TB, raw []byte) parsed {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Fatal("a line ends in a bare LF")
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("ReadMessage: %v", err)
	}
	p := parsed{Header: msg.Header, Order: headerOrder(raw)}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(part) // multipart decodes quoted-printable
		switch ct := part.Header.Get("Content-Type"); ct {
		case "text/plain; charset=utf-8":
			p.Text = string(body)
		case "text/html; charset=utf-8":
			p.HTML = string(body)
		default:
			t.Fatalf("unexpected part %q", ct)
		}
	}
	return p
}

func headerOrder(raw []byte) []string {
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	var names []string
	for _, line := range strings.Split(string(head), "\r\n") {
		if name, _, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, " ") {
			names = append(names, name)
		}
	}
	return names
}

func TestComposeHeaders(t *testing.T) {
	raw, err := testComposer(t).Compose(testJob())
	if err != nil {
		t.Fatal(err)
	}
	p := parseAlert(t, raw)
	want := map[string]string{
		"From":                     `"Example Support" <no-reply@example.com>`,
		"To":                       `"Alice Doe" <Alice@Example.org>`,
		"Subject":                  "We replied to your request [#12345]: Refund for order 4411",
		"Date":                     "Mon, 02 Mar 2026 09:30:00 +0000",
		"Message-Id":               "<alert-7.12345@help.example.com>",
		"In-Reply-To":              "<CAF00first@mail.example.org>",
		"References":               "<CAF00first@mail.example.org>",
		"Auto-Submitted":           "auto-generated",
		"X-Auto-Response-Suppress": "All",
		"X-Inboxdesk-Loop":         "help.example.com",
		"Mime-Version":             "1.0",
		"Content-Language":         "en",
	}
	for name, v := range want {
		if got := p.Header[name]; len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want [%q]", name, got, v)
		}
	}
	if len(p.Header) != len(want)+1 { // + Content-Type
		t.Errorf("headers %v, want exactly %d", p.Order, len(want)+1)
	}
	if !strings.HasPrefix(p.Header.Get("Content-Type"), "multipart/alternative; boundary=") {
		t.Errorf("Content-Type = %q", p.Header.Get("Content-Type"))
	}
	if p.Header.Get("Precedence") != "" {
		t.Error("Precedence header set")
	}
}

func TestComposeWithoutReferences(t *testing.T) {
	for _, ref := range []string{"", "bad id with spaces", "x>\r\nBcc: a@b.c"} {
		job := testJob()
		job.References = ref
		raw, err := testComposer(t).Compose(job)
		if err != nil {
			t.Fatalf("References %q: %v", ref, err)
		}
		p := parseAlert(t, raw)
		if p.Header.Get("References") != "" || p.Header.Get("In-Reply-To") != "" || p.Header.Get("Bcc") != "" {
			t.Errorf("References %q: threading headers %v", ref, p.Order)
		}
	}
}

func TestComposeLanguagesAndReasons(t *testing.T) {
	tests := []struct {
		lang, wantLang string
		reason         ticket.AlertReason
		subject, says  string
	}{
		{"en", "en", ticket.ReasonReceived, "We received your request [#12345]: Refund for order 4411", "We opened request #12345"},
		{"en", "en", ticket.ReasonReplied, "We replied to your request [#12345]: Refund for order 4411", "The support team replied"},
		{"en", "en", ticket.ReasonInfoRequested, "We need more details on your request [#12345]: Refund for order 4411", "needs more details"},
		{"en", "en", ticket.ReasonResolved, "Your request was resolved [#12345]: Refund for order 4411", "marked your request as resolved"},
		{"es", "es", ticket.ReasonReceived, "Recibimos tu solicitud [#12345]: Refund for order 4411", "Abrimos la solicitud #12345"},
		{"es", "es", ticket.ReasonReplied, "Respondimos a tu solicitud [#12345]: Refund for order 4411", "El equipo de soporte respondió"},
		{"es-MX", "es", ticket.ReasonInfoRequested, "Necesitamos más datos sobre tu solicitud [#12345]: Refund for order 4411", "necesita más datos"},
		{"ES", "es", ticket.ReasonResolved, "Tu solicitud se resolvió [#12345]: Refund for order 4411", "como resuelta"},
		{"", "en", ticket.ReasonReplied, "We replied to your request [#12345]: Refund for order 4411", "The support team replied"},
		{"fr", "en", ticket.ReasonReplied, "We replied to your request [#12345]: Refund for order 4411", "The support team replied"},
	}
	footer := map[string]string{
		"en": "This email only tells you that something changed",
		"es": "Este correo solo te avisa de que algo cambió",
	}
	dec := new(mime.WordDecoder)
	for _, tt := range tests {
		job := testJob()
		job.Language, job.Reason = tt.lang, tt.reason
		raw, err := testComposer(t).Compose(job)
		if err != nil {
			t.Fatal(err)
		}
		p := parseAlert(t, raw)
		subject, err := dec.DecodeHeader(p.Header.Get("Subject"))
		if err != nil || subject != tt.subject {
			t.Errorf("%s/%s: subject %q (%v), want %q", tt.lang, tt.reason, subject, err, tt.subject)
		}
		if got := p.Header.Get("Content-Language"); got != tt.wantLang {
			t.Errorf("%s/%s: Content-Language %q, want %q", tt.lang, tt.reason, got, tt.wantLang)
		}
		for _, body := range []string{p.Text, p.HTML} {
			if !strings.Contains(body, tt.says) || !strings.Contains(body, footer[tt.wantLang]) {
				t.Errorf("%s/%s: body lacks %q or the footer:\n%s", tt.lang, tt.reason, tt.says, body)
			}
		}
	}
}

// A reply that lost In-Reply-To and References (some clients drop them, a
// customer may copy the subject into a new mail) still threads by the subject
// token, so every alert's subject carries it.
func TestComposeSubjectCarriesTicketToken(t *testing.T) {
	dec := new(mime.WordDecoder)
	for _, lang := range []string{"en", "es"} {
		for _, reason := range reasons {
			job := testJob()
			job.Language, job.Reason = lang, reason
			raw, err := testComposer(t).Compose(job)
			if err != nil {
				t.Fatal(err)
			}
			subject, err := dec.DecodeHeader(parseAlert(t, raw).Header.Get("Subject"))
			if err != nil {
				t.Fatal(err)
			}
			if n := ticket.SubjectNumber("Re: " + subject); n != job.TicketNumber {
				t.Errorf("%s/%s: subject %q gives ticket %d, want %d", lang, reason, subject, n, job.TicketNumber)
			}
		}
	}
}

func TestComposeSpanishSubjectIsEncoded(t *testing.T) {
	job := testJob()
	job.Language, job.Reason, job.Subject = "es", ticket.ReasonResolved, ""
	raw, err := testComposer(t).Compose(job)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("\r\nSubject: =?utf-8?q?Tu_solicitud_se_resolvi=C3=B3_[#12345]?=\r\n")) {
		t.Errorf("Spanish subject not RFC 2047-encoded:\n%s", raw[:bytes.Index(raw, []byte("\r\n\r\n"))])
	}
	for i, b := range raw {
		if b >= 0x80 {
			t.Fatalf("8-bit byte at %d: the message must be 7-bit clean", i)
		}
	}
}

var hrefRE = regexp.MustCompile(`<a href="([^"]+)" style="display:inline-block;[^"]*">Read the reply</a>`)

func TestComposeLinkVerifies(t *testing.T) {
	c := testComposer(t)
	raw, err := c.Compose(testJob())
	if err != nil {
		t.Fatal(err)
	}
	p := parseAlert(t, raw)
	m := hrefRE.FindStringSubmatch(p.HTML)
	if m == nil {
		t.Fatalf("no button to the ticket in HTML:\n%s", p.HTML)
	}
	if !strings.Contains(p.Text, "Read the reply: "+m[1]+"\r\n") {
		t.Fatalf("text body lacks the same link %q:\n%s", m[1], p.Text)
	}
	u, err := url.Parse(m[1])
	if err != nil || u.Scheme != "https" || u.Host != "help.example.com" || u.Path != "/desk/t/12345" {
		t.Fatalf("link %q: want https://help.example.com/desk/t/12345?k=…", m[1])
	}
	claims, err := testKeys(t).VerifyFor(u.Query().Get("k"), composeNow, 12345, link.PurposeTicket)
	if err != nil {
		t.Fatalf("link token: %v", err)
	}
	if claims.Email != "alice@example.org" || !claims.Expires.Equal(composeNow.Add(72*time.Hour)) {
		t.Errorf("claims %+v: want alice@example.org expiring in 72h", claims)
	}
	if _, err := testKeys(t).VerifyFor(u.Query().Get("k"), composeNow, 12346, link.PurposeTicket); err == nil {
		t.Error("token opens another ticket")
	}
}

func TestComposeNameCannotInjectHeaders(t *testing.T) {
	names := []string{
		"Eve\r\nBcc: victim@example.com",
		"Eve\nSubject: free money",
		`Eve" <evil@example.com>, "x`,
		"Éve\r\nX-Evil: 1",
		"=?utf-8?q?Eve=0D=0ABcc:_victim@example.com?=",
		strings.Repeat("long name ", 40),
	}
	c := testComposer(t)
	for _, name := range names {
		job := testJob()
		job.Recipient.Name = name
		raw, err := c.Compose(job)
		if err != nil {
			t.Fatalf("name %q: %v", name, err)
		}
		p := parseAlert(t, raw)
		if len(p.Order) != 13 || p.Header.Get("Bcc") != "" || p.Header.Get("X-Evil") != "" || len(p.Header["Subject"]) != 1 {
			t.Errorf("name %q: headers %v", name, p.Order)
		}
		to, err := p.Header.AddressList("To")
		if err != nil || len(to) != 1 || to[0].Address != "Alice@Example.org" {
			t.Errorf("name %q: To %q parses as %v (%v)", name, p.Header.Get("To"), to, err)
		}
	}
}

func TestComposeRefusesBadJobs(t *testing.T) {
	tests := map[string]func(*ticket.AlertJob){
		"address with CRLF":    func(j *ticket.AlertJob) { j.Recipient.Email = "a@example.org\r\nBcc: b@example.org" },
		"address with name":    func(j *ticket.AlertJob) { j.Recipient.Email = "Alice <a@example.org>" },
		"no address":           func(j *ticket.AlertJob) { j.Recipient.Email = "" },
		"Message-ID with CRLF": func(j *ticket.AlertJob) { j.MessageID = "a@b\r\nBcc: x@y" },
		"Message-ID brackets":  func(j *ticket.AlertJob) { j.MessageID = "<a@b>" },
		"unknown reason":       func(j *ticket.AlertJob) { j.Reason = "assigned" },
	}
	for name, mutate := range tests {
		job := testJob()
		mutate(&job)
		_, err := testComposer(t).Compose(job)
		if err == nil || !delivery.IsPermanent(err) {
			t.Errorf("%s: err = %v, want a permanent error", name, err)
		}
	}
}

func TestNewComposerChecksConfig(t *testing.T) {
	tests := map[string]func(*ComposeConfig){
		"bad from":          func(c *ComposeConfig) { c.From.Email = "no-reply" },
		"no keys":           func(c *ComposeConfig) { c.Keys = nil },
		"no base":           func(c *ComposeConfig) { c.BaseURL = link.BaseURL{} },
		"unknown language":  func(c *ComposeConfig) { c.DefaultLanguage = "fr" },
		"domain with CRLF":  func(c *ComposeConfig) { c.Domain = "a\r\nb" },
		"negative lifetime": func(c *ComposeConfig) { c.LinkTTL = -time.Hour },
	}
	for name, mutate := range tests {
		c := testComposeConfig(t)
		mutate(&c)
		if _, err := NewComposer(c); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	c := testComposeConfig(t)
	c.Domain, c.DefaultLanguage, c.LinkTTL = "", "", 0
	comp, err := NewComposer(c)
	if err != nil {
		t.Fatal(err)
	}
	if comp.cfg.Domain != "example.com" || comp.cfg.DefaultLanguage != "en" || comp.cfg.LinkTTL != DefaultLinkTTL {
		t.Errorf("defaults: %+v", comp.cfg)
	}
}

func TestTemplatesCoverEveryLanguage(t *testing.T) {
	set, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	if got := set.cat.Languages(); !slices.Equal(got, lang.Supported) || !slices.Contains(got, "es") {
		t.Errorf("languages %v", got)
	}
}

func BenchmarkCompose(b *testing.B) {
	c := testComposer(b)
	job := testJob()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Compose(job); err != nil {
			b.Fatal(err)
		}
	}
}

// The ticket's subject is the customer's text: it can neither add a header
// nor markup, and a long one is cut in the Subject line (the body has it all).
func TestComposeTicketSubjectIsInert(t *testing.T) {
	job := testJob()
	job.Subject = "Refund\r\nBcc: victim@example.com <b>now</b> " + strings.Repeat("x", 100)
	raw, err := testComposer(t).Compose(job)
	if err != nil {
		t.Fatal(err)
	}
	p := parseAlert(t, raw)
	if p.Header.Get("Bcc") != "" || len(p.Order) != 13 {
		t.Fatalf("headers %v", p.Order)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(p.Header.Get("Subject"))
	if !strings.HasPrefix(subject, "We replied to your request [#12345]: Refund Bcc: victim@example.com") ||
		!strings.HasSuffix(subject, "…") || len([]rune(subject)) > 100 {
		t.Errorf("subject %q", subject)
	}
	if strings.Contains(p.HTML, "<b>now</b>") || !strings.Contains(p.HTML, "&lt;b&gt;now&lt;/b&gt;") {
		t.Error("the ticket's subject is not escaped in the HTML")
	}
}
