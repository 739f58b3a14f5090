package mailparse

import (
	"strings"
	"testing"
	"unicode/utf8"

	"inboxdesk/ticket"
)

func TestSenderAuthFailure(t *testing.T) {
	const mx = "mx.support.example"
	mail := func(fields ...string) []byte {
		lines := append(fields, "From: Victim <victim@bank.example>", "To: support@support.example",
			"Subject: Reset my account", "", "Please.")
		return rawMail(lines...)
	}
	ar := func(id, results string) string { return "Authentication-Results: " + id + "; " + results }
	tests := []struct {
		name    string
		id      string
		raw     []byte
		want    string // substring of the reason; "" = passes
		notWant string
	}{
		{"no trusted server named", "", mail(ar(mx, "dmarc=fail header.from=bank.example")), "", ""},
		{"no Authentication-Results", mx, mail(), "", ""},
		{"dmarc fail", mx, mail(ar(mx, "spf=pass smtp.mailfrom=evil.example; dkim=none; dmarc=fail header.from=bank.example")),
			"dmarc=fail (header.from=bank.example)", ""},
		{"dmarc pass", mx, mail(ar(mx, "spf=fail smtp.mailfrom=bank.example; dkim=fail header.d=bank.example; dmarc=pass header.from=bank.example")), "", ""},
		{"no dmarc, dkim and spf fail", mx, mail(ar(mx, "dkim=fail header.d=bank.example; spf=fail smtp.mailfrom=bank.example")),
			"dkim=fail and spf=fail", ""},
		{"dmarc none, dkim and spf fail", mx, mail(ar(mx, "dkim=fail; spf=fail; dmarc=none")), "dkim=fail and spf=fail", ""},
		{"no dmarc, only dkim fails", mx, mail(ar(mx, "dkim=fail header.d=bank.example; spf=pass smtp.mailfrom=bank.example")), "", ""},
		{"no dmarc, one dkim signature passes", mx, mail(ar(mx, "dkim=fail header.d=a.example; dkim=pass header.d=bank.example; spf=fail")), "", ""},
		{"upper case", "MX.Support.Example", mail(ar("mx.support.EXAMPLE", "DMARC=FAIL header.from=bank.example")), "dmarc=fail", ""},
		{"version given", mx, mail("Authentication-Results: " + mx + " 1; dmarc=fail header.from=bank.example"), "dmarc=fail", ""},
		{"folded field", mx, mail("Authentication-Results: " + mx + ";\r\n\tspf=pass;\r\n\tdmarc=fail\r\n\theader.from=bank.example"), "dmarc=fail", ""},
		// Fields below ours may be the sender's own, written to look like ours.
		{"sender's forged pass below ours", mx, mail(ar(mx, "dmarc=fail header.from=bank.example"), "Received: from evil", ar(mx, "dmarc=pass header.from=bank.example")),
			"dmarc=fail", ""},
		{"sender's forged fail below our pass", mx, mail(ar(mx, "dmarc=pass header.from=bank.example"), ar(mx, "dmarc=fail")), "", ""},
		{"another server's verdict is not ours", mx, mail(ar("relay.other.example", "dmarc=fail"), ar(mx, "dmarc=pass header.from=bank.example")), "", ""},
		{"only another server's verdict", mx, mail(ar("relay.other.example", "dmarc=fail")), "", ""},
	}
	for _, tt := range tests {
		got := SenderAuthFailure(tt.raw, tt.id)
		switch {
		case tt.want == "" && got != "":
			t.Errorf("%s: held (%q), want passed", tt.name, got)
		case tt.want != "" && (!strings.HasPrefix(got, ticket.SenderAuthReason) || !strings.Contains(got, tt.want)):
			t.Errorf("%s: reason %q, want %q after %q", tt.name, got, tt.want, ticket.SenderAuthReason)
		}
	}
}

func TestSummary(t *testing.T) {
	raw := rawMail("From: =?utf-8?q?Ana_P=C3=A9rez?= <Ana@Example.org>", "Subject: =?utf-8?q?Pedido_n=C2=BA_7?=",
		"Content-Type: text/plain", "", "body")
	from, subject := Summary(raw[:len(raw)-10]) // cut short, as the list reads it
	if from.Email != "ana@example.org" || from.Name != "Ana Pérez" || subject != "Pedido nº 7" {
		t.Fatalf("Summary = %+v, %q", from, subject)
	}
	if from, subject := Summary([]byte("\x00\x01 not a mail")); from.Email != "" || strings.ContainsRune(subject, 0) {
		t.Fatalf("Summary of junk = %+v, %q", from, subject)
	}
}

func FuzzSenderAuthFailure(f *testing.F) {
	f.Add("Authentication-Results: mx.example; dmarc=fail header.from=a.example\r\nFrom: a@a.example\r\n\r\nx")
	f.Add("Authentication-Results: mx.example 1; dkim=fail (bad sig; really); spf=fail\r\n\r\n")
	f.Add("Authentication-Results: mx.example;\r\n\tdmarc=\r\n\r\n")
	f.Add("Authentication-Results: mx.example; dmarc=fail header.from=a\x00\xff" + strings.Repeat("b", 500) + "\r\n\r\n")
	f.Fuzz(func(t *testing.T, raw string) {
		got := SenderAuthFailure([]byte(raw), "mx.example")
		if got != "" && !strings.HasPrefix(got, ticket.SenderAuthReason) {
			t.Fatalf("reason %q does not start with %q", got, ticket.SenderAuthReason)
		}
		if !utf8.ValidString(got) || strings.ContainsRune(got, 0) || len(got) > 300 {
			t.Fatalf("reason %q cannot be stored as it is", got)
		}
	})
}
