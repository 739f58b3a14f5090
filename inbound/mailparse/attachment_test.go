package mailparse

import (
	"bytes"
	"strings"
	"testing"
)

func TestAttachments(t *testing.T) {
	in := fixture(t, "attachments-rfc2231.eml")
	want := []struct{ name, media, dataPrefix string }{
		{"Rechnung März 2025.pdf", "application/pdf", "%PDF-1.4"},
		{"Übersicht Größen.txt", "text/plain", "Größe: 42"},
		{"passwd", "application/octet-stream", "root:x:0:0:"},
		{"attachment-4.bin", "application/octet-stream", "\x00\x01\x02\x03"},
	}
	if in.Text != "Anbei die Unterlagen." {
		t.Errorf("Text = %q", in.Text)
	}
	if len(in.Attachments) != len(want) {
		t.Fatalf("got %d attachments, want %d", len(in.Attachments), len(want))
	}
	for i, w := range want {
		a := in.Attachments[i]
		if a.Filename != w.name || a.ContentType != w.media || !strings.HasPrefix(string(a.Data), w.dataPrefix) || a.Inline {
			t.Errorf("attachment %d = %q %q %q inline=%v, want %q %q %q", i, a.Filename, a.ContentType, a.Data, a.Inline, w.name, w.media, w.dataPrefix)
		}
	}
}

func TestInlineCIDImage(t *testing.T) {
	in := fixture(t, "inline-cid.eml")
	if !strings.Contains(in.HTML, `cid:logo.png@01DB8F`) || in.Text != "See the logo below." {
		t.Errorf("HTML = %q, Text = %q", in.HTML, in.Text)
	}
	if len(in.Attachments) != 1 {
		t.Fatalf("got %d attachments, want 1", len(in.Attachments))
	}
	a := in.Attachments[0]
	if a.ContentID != "logo.png@01DB8F" || !a.Inline || a.ContentType != "image/png" || !bytes.HasPrefix(a.Data, []byte("\x89PNG")) {
		t.Errorf("image = %q %q cid=%q inline=%v", a.Filename, a.ContentType, a.ContentID, a.Inline)
	}
}

func TestForwardedMessage(t *testing.T) {
	in := fixture(t, "forward-rfc822.eml")
	if len(in.Attachments) != 1 {
		t.Fatalf("got %d attachments, want 1", len(in.Attachments))
	}
	a := in.Attachments[0]
	if a.Filename != "Your order has shipped.eml" || a.ContentType != "message/rfc822" {
		t.Errorf("forward = %q %q", a.Filename, a.ContentType)
	}
	if !bytes.HasPrefix(a.Data, []byte("From: Shop <orders@shop.example>\r\n")) || !bytes.Contains(a.Data, []byte("Tracking number: 0000.")) {
		t.Errorf("forward data = %q, want the raw message", a.Data)
	}
	if in.Bounce != nil || in.AutoSubmitted != "" {
		t.Errorf("a forward is neither a bounce nor automatic: %+v %q", in.Bounce, in.AutoSubmitted)
	}
}

func TestForwardedMessageWithoutSubject(t *testing.T) {
	in := mustParse(t, rawMail(
		"From: a@x",
		"Content-Type: multipart/mixed; boundary=b",
		"",
		"--b",
		"Content-Type: message/rfc822",
		"",
		"From: b@x",
		"",
		"hi",
		"--b--",
	))
	if len(in.Attachments) != 1 || in.Attachments[0].Filename != "forwarded-message.eml" {
		t.Errorf("Attachments = %+v", in.Attachments)
	}
}

func TestSanitizeFilename(t *testing.T) {
	tests := []struct{ in, media, want string }{
		{"report.pdf", "application/pdf", "report.pdf"},
		{"../../etc/passwd", "text/plain", "passwd"},
		{`C:\Users\me\photo.jpg`, "image/jpeg", "photo.jpg"},
		{"a\x00b\x07c.txt", "text/plain", "abc.txt"},
		{"invoice\u202Efdp.exe", "application/octet-stream", "invoicefdp.exe"},
		{"\xff\xfename.txt", "text/plain", "\uFFFDname.txt"},
		{".hidden", "text/plain", "hidden"},
		{"", "image/png", "attachment-3.png"},
		{"../", "application/zip", "attachment-3.bin"},
		{strings.Repeat("é", 300) + ".pdf", "application/pdf", strings.Repeat("é", 125) + ".pdf"},
	}
	for _, tt := range tests {
		if got := sanitizeFilename(tt.in, 3, tt.media); got != tt.want {
			t.Errorf("sanitizeFilename(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFilenameParameters(t *testing.T) {
	tests := []struct{ name, disposition, contentType, want string }{
		{"quoted", `attachment; filename="a b.pdf"`, "application/pdf", "a b.pdf"},
		{"unquoted with spaces", `attachment; filename=my file.pdf`, "application/pdf", "my file.pdf"},
		{"rfc 2047 in quotes", `attachment; filename="=?utf-8?B?w7xiZXIucGRm?="`, "application/pdf", "über.pdf"},
		{"name on content-type", ``, `application/pdf; name="c.pdf"`, "c.pdf"},
		{"utf-8 continuation", `attachment; filename*0*=utf-8''%E2%82%AC; filename*1=".txt"`, "text/plain", "€.txt"},
		{"windows-1252 extended", `attachment; filename*=windows-1252''%80uro.txt`, "text/plain", "€uro.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := []string{"From: a@x", "Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: " + tt.contentType}
			if tt.disposition != "" {
				lines = append(lines, "Content-Disposition: "+tt.disposition)
			}
			lines = append(lines, "", "data", "--b--")
			in := mustParse(t, rawMail(lines...))
			if len(in.Attachments) != 1 || in.Attachments[0].Filename != tt.want {
				t.Errorf("Attachments = %+v, want filename %q", in.Attachments, tt.want)
			}
		})
	}
}
