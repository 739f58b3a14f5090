package mailparse

import (
	"strings"
	"testing"
	"unicode/utf8"

	"inboxdesk/ticket"
)

// TestStringsAreStorable feeds NUL and invalid UTF-8 into every field that
// reaches the database.
func TestStringsAreStorable(t *testing.T) {
	in := mustParse(t, rawMail(
		"From: Bad\x00\xff Name <a\x00b@x.com>",
		"To: \xfe <to@x.com>",
		"Cc: c\xff@x.com",
		"Reply-To: r@x.com",
		"Subject: sub\x00ject \xc3\x28",
		"Message-ID: <id\x00\xff@x>",
		"In-Reply-To: <p\xff@x>",
		"References: <r\x00@x>",
		"Content-Type: multipart/mixed; boundary=b",
		"",
		"--b",
		"Content-Type: text/plain; charset=utf-8",
		"",
		"text\x00 \xff",
		"--b",
		"Content-Type: text/html; charset=utf-8",
		"",
		"<p>html\x00 \xff</p>",
		"--b",
		"Content-Type: image/png; name=\"a\x00\xff.png\"",
		"Content-ID: <c\x00\xff@x>",
		"",
		"data",
		"--b--",
	))
	for _, s := range allStrings(in) {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			t.Errorf("field %q is not storable", s)
		}
	}
	if in.Subject != "subject Ã(" { // undeclared 8-bit: windows-1252
		t.Errorf("Subject = %q", in.Subject)
	}
}

// allStrings lists every string of an Inbound, for property checks.
func allStrings(in *ticket.Inbound) []string {
	s := []string{in.MessageID, in.Subject, in.Text, in.HTML, in.Language, in.AutoSubmitted}
	s = append(s, in.InReplyTo...)
	s = append(s, in.References...)
	for _, l := range [][]ticket.Address{{in.From}, in.ReplyTo, in.To, in.Cc} {
		for _, a := range l {
			s = append(s, a.Name, a.Email)
		}
	}
	for _, a := range in.Attachments {
		s = append(s, a.Filename, a.ContentType, a.ContentID)
	}
	if b := in.Bounce; b != nil {
		s = append(s, b.Recipient, b.Status, b.Diagnostic)
		s = append(s, b.OriginalMessageIDs...)
	}
	return s
}
