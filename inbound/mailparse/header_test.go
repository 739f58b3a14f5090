package mailparse

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"inboxdesk/ticket"
)

func TestParseIDs(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"one", "<a@example.com>", []string{"a@example.com"}},
		{"list with comments", "<a@x> (first) <b@x>\r\n\t<c@x>", []string{"a@x", "b@x", "c@x"}},
		{"no brackets", "a@x, b@x", []string{"a@x", "b@x"}},
		{"bare junk without at", "hello world", nil},
		{"folded inside id", "<abc\r\n def@x>", []string{"abcdef@x"}},
		{"duplicates", "<a@x> <a@x>", []string{"a@x"}},
		{"unclosed", "<a@x> <b@x", []string{"a@x", "b@x"}},
		{"empty brackets", "<> <a@x>", []string{"a@x"}},
		{"nul and invalid utf-8", "<a\x00b\xff@x>", []string{"ab@x"}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseIDs(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("parseIDs(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestThreadingHeaders(t *testing.T) {
	in := fixture(t, "plain.eml")
	if in.MessageID != "CAF3x9Qk-1@mail.example.com" {
		t.Errorf("MessageID = %q", in.MessageID)
	}
	if want := []string{"alert-42.7@inboxdesk.example.org"}; !slices.Equal(in.InReplyTo, want) {
		t.Errorf("InReplyTo = %q, want %q", in.InReplyTo, want)
	}
	if want := []string{"root-1@inboxdesk.example.org", "alert-42.7@inboxdesk.example.org"}; !slices.Equal(in.References, want) {
		t.Errorf("References = %q, want %q", in.References, want)
	}
}

// TestReferencesCapped keeps the thread root and the most recent ancestors of
// an absurdly long References field.
func TestReferencesCapped(t *testing.T) {
	var refs []string
	for i := range 300 {
		refs = append(refs, "<r"+strconv.Itoa(i)+"@x>")
	}
	in := mustParse(t, rawMail("From: a@x", "References: "+strings.Join(refs, "\r\n "), "", "body"))
	if len(in.References) != maxReferences {
		t.Fatalf("len(References) = %d, want %d", len(in.References), maxReferences)
	}
	if in.References[0] != "r0@x" || in.References[maxReferences-1] != "r299@x" {
		t.Errorf("References kept %q ... %q, want the first and the last", in.References[0], in.References[maxReferences-1])
	}
}

func TestMissingMessageIDIsStable(t *testing.T) {
	a, b := fixture(t, "missing-message-id.eml"), fixture(t, "missing-message-id.eml")
	if a.MessageID != b.MessageID || !strings.HasSuffix(a.MessageID, "@inboxdesk.invalid") || len(a.MessageID) != 32+len("@inboxdesk.invalid") {
		t.Errorf("MessageID = %q and %q, want one stable synthetic id", a.MessageID, b.MessageID)
	}
	other := mustParse(t, rawMail("From: a@x", "", "another body"))
	if other.MessageID == a.MessageID {
		t.Error("two different messages got the same synthetic Message-ID")
	}
}

func addr(name, email string) ticket.Address {
	return ticket.Address{Name: name, Email: email}
}

func TestAddresses(t *testing.T) {
	tests := []struct {
		name, in string
		want     []ticket.Address
	}{
		{"upper case", "Maria <Maria.Lopez@Example.COM>", []ticket.Address{addr("Maria", "maria.lopez@example.com")}},
		{"quoted comma", `"Ruiz, Pablo" <p@x.com>, j@x.com`, []ticket.Address{addr("Ruiz, Pablo", "p@x.com"), addr("", "j@x.com")}},
		{"encoded name", "=?utf-8?q?Jos=C3=A9?= <jose@x.com>", []ticket.Address{addr("José", "jose@x.com")}},
		{"unquoted specials", "Smith, J. (Sales) [ACME] <js@acme.com>", []ticket.Address{addr("", "js@acme.com")}},
		{"one broken among good", "a@x.com, <<broken, Bob <bob@x.com>", []ticket.Address{addr("", "a@x.com"), addr("Bob", "bob@x.com")}},
		{"group", "Team: a@x.com, b@x.com;", []ticket.Address{addr("", "a@x.com"), addr("", "b@x.com")}},
		{"undisclosed", "undisclosed-recipients:;", nil},
		{"junk", "no address here", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseAddressList(tt.in)
			if tt.name == "unquoted specials" && len(got) == 1 {
				got[0].Name = "" // the salvaged name is best effort
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("parseAddressList(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

// TestLongCommentAddressIsFast: an attacker-sized comment in From (net/mail
// once built comments one byte at a time) must not stall the poller.
func TestLongCommentAddressIsFast(t *testing.T) {
	raw := rawMail("From: a@x.com ("+strings.Repeat("c", 200<<10)+")", "", "body")
	start := time.Now()
	in := mustParse(t, raw)
	if d := time.Since(start); d > time.Second {
		t.Errorf("Parse took %v", d)
	}
	if in.From.Email != "a@x.com" {
		t.Errorf("From = %+v", in.From)
	}
}

func TestMissingFromStillParses(t *testing.T) {
	in := mustParse(t, rawMail("Subject: who wrote this", "", "body"))
	if in.From != (ticket.Address{}) || in.Subject != "who wrote this" {
		t.Errorf("From = %+v, Subject = %q", in.From, in.Subject)
	}
}

func TestDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"Tue, 4 Mar 2025 09:13:58 +0100", time.Date(2025, 3, 4, 8, 13, 58, 0, time.UTC)},
		{"4 Mar 2025 09:13:58 GMT (comment)", time.Date(2025, 3, 4, 9, 13, 58, 0, time.UTC)},
		{"yesterday-ish", time.Time{}},
		{"", time.Time{}},
	}
	for _, tt := range tests {
		if got := parseDate(tt.in); !got.Equal(tt.want) {
			t.Errorf("parseDate(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestLanguage(t *testing.T) {
	tests := []struct {
		header, value, want string
	}{
		{"Content-Language", "es-ES", "es"},
		{"Content-Language", "en-US, de", "en"},
		{"Accept-Language", "EN", "en"},
		{"Accept-Language", "es;q=0.9, en;q=0.8", "es"},
		{"Content-Language", "fr, es", ""}, // the first names the language
		{"Content-Language", "de-DE", ""},
		{"X-Other", "es", ""},
	}
	for _, tt := range tests {
		in := mustParse(t, rawMail("From: a@x", tt.header+": "+tt.value, "", "body"))
		if in.Language != tt.want {
			t.Errorf("%s: %s gave Language %q, want %q", tt.header, tt.value, in.Language, tt.want)
		}
	}
}

// TestLanguageFromTextPart: Thunderbird puts Content-Language on the text
// part, not on the message.
func TestLanguageFromTextPart(t *testing.T) {
	in := mustParse(t, rawMail(
		"From: a@x",
		"Content-Type: multipart/mixed; boundary=b",
		"",
		"--b",
		"Content-Type: text/plain; charset=utf-8",
		"Content-Language: es",
		"",
		"Hola",
		"--b--",
	))
	if in.Language != "es" {
		t.Errorf("Language = %q, want es", in.Language)
	}
}

func TestMboxFromLineSkipped(t *testing.T) {
	in := mustParse(t, rawMail("From someone@x Tue Mar  4 09:13:58 2025", "From: a@x", "Subject: mbox", "", "body"))
	if in.Subject != "mbox" || in.From.Email != "a@x" {
		t.Errorf("Subject = %q, From = %+v", in.Subject, in.From)
	}
}

// TestHeaderWithoutBlankLine: a body that starts without the blank line is
// still the body, as mail readers show it.
func TestHeaderWithoutBlankLine(t *testing.T) {
	in := mustParse(t, rawMail("From: a@x", "Subject: no blank line", "This line is the body."))
	if in.Subject != "no blank line" || in.Text != "This line is the body.\n" {
		t.Errorf("Subject = %q, Text = %q", in.Subject, in.Text)
	}
}
