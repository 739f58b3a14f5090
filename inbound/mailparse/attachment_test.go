package mailparse

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"strings"
	"testing"

	"inboxdesk/ticket"
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
		{"../", "application/x-unknown", "attachment-3.bin"},
		{strings.Repeat("é", 300) + ".pdf", "application/pdf", strings.Repeat("é", 125) + ".pdf"},
	}
	for _, tt := range tests {
		if got := SanitizeFilename(tt.in, 3, tt.media); got != tt.want {
			t.Errorf("SanitizeFilename(%q) = %q, want %q", tt.in, got, tt.want)
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

// Large base64 attachments decode exactly. One over streamAbove is not held
// in memory: its stream, read twice, gives its bytes, size and hash, also
// when a broken encoding cuts it short.
func TestLargeBase64AttachmentsDecodeExactly(t *testing.T) {
	first := bytes.Repeat([]byte{0, 1, 2, 0xfe, 0xff}, 400_000) // 2 MB: streamed
	second := bytes.Repeat([]byte("z"), 300_000)
	third := bytes.Repeat([]byte{7, 8, 9}, 500_000) // 1.5 MB, stray characters after 1.2 MB
	enc := func(b []byte) string {
		s := base64.StdEncoding.EncodeToString(b)
		var out strings.Builder
		for len(s) > 76 {
			out.WriteString(s[:76] + "\r\n")
			s = s[76:]
		}
		return out.String() + s
	}
	broken := enc(third[:1_200_000]) + "\r\n!!!!" + enc(third[1_200_000:])
	raw := rawMail("From: a@example.org", "Subject: files", "Content-Type: multipart/mixed; boundary=b", "",
		"--b", "Content-Type: text/plain", "", "see attached",
		"--b", "Content-Type: application/octet-stream", "Content-Disposition: attachment; filename=one.bin",
		"Content-Transfer-Encoding: base64", "", enc(first),
		"--b", "Content-Type: application/zip; name=two.zip", "Content-Transfer-Encoding: BASE64", "", enc(second),
		"--b", "Content-Type: image/png; name=three.png", "Content-Transfer-Encoding: base64", "", broken,
		"--b--")
	in := mustParse(t, raw)
	if len(in.Attachments) != 3 {
		t.Fatalf("got %d attachments", len(in.Attachments))
	}
	for i, want := range [][]byte{first, second, third} { // RFC 2045 section 6.8: stray characters are ignored
		a := in.Attachments[i]
		if (a.Stream != nil) != (len(want) > streamAbove) {
			t.Errorf("attachment %d of %d bytes: streamed = %v", i, len(want), a.Stream != nil)
		}
		for range 2 {
			if got := attachmentBytes(t, a); !bytes.Equal(got, want) {
				t.Errorf("attachment %d: %d bytes, not the %d sent", i, len(got), len(want))
			}
		}
		if spare := cap(a.Data) - len(a.Data); spare > 64<<10 && spare > len(a.Data)/4 {
			t.Errorf("attachment %d holds a %d byte buffer for %d bytes", i, cap(a.Data), len(a.Data))
		}
	}
}

// attachmentBytes returns a's bytes, held or read from its stream, after
// checking the stream's announced size and hash.
func attachmentBytes(t *testing.T, a ticket.Attachment) []byte {
	if a.Stream == nil {
		return a.Data
	}
	b, err := io.ReadAll(a.Stream.Open())
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(b); int64(len(b)) != a.Stream.Size || !bytes.Equal(sum[:], a.Stream.SHA256) {
		t.Errorf("stream of %s: %d bytes, announced %d; hash matches: %v", a.Filename, len(b), a.Stream.Size,
			bytes.Equal(sum[:], a.Stream.SHA256))
	}
	return b
}
