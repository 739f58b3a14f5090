package mailparse

import (
	"strings"
	"testing"
)

func TestAlternativeKeepsBoth(t *testing.T) {
	in := fixture(t, "alternative.eml")
	if in.Text != "I asked for a password reset three times." {
		t.Errorf("Text = %q", in.Text)
	}
	if in.HTML != "<p>I asked for a password reset <b>three</b> times.</p>" {
		t.Errorf("HTML = %q", in.HTML)
	}
	if len(in.Attachments) != 0 {
		t.Errorf("Attachments = %d, want none", len(in.Attachments))
	}
}

func TestHTMLOnlyDerivesText(t *testing.T) {
	in := fixture(t, "html-only.eml")
	want := "Hello team,\n\n" +
		"My invoice shows £120 & VAT — but I was quoted < £100.\n\n" +
		"Line one\n\nLine two\nLine three\n\n" +
		"- first item\n- second item\n\n" +
		"Thanks,\nBen"
	if in.Text != want {
		t.Errorf("Text =\n%s\nwant\n%s", in.Text, want)
	}
	if !strings.Contains(in.HTML, "<script>") {
		t.Error("HTML is not kept as received")
	}
}

func TestHTMLToText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"entities", "<p>a &amp; b &lt;c&gt; &eacute;</p>", "a & b <c> é"},
		{"inline tags keep spaces", "<p>one <b>two</b> <i>three</i>four</p>", "one two threefour"},
		{"paragraphs", "<p>a</p><p>b</p>", "a\n\nb"},
		{"br", "a<br>b<br/><br>c", "a\nb\n\nc"},
		{"hidden", "<style>x{}</style><script>var a</script><p>shown</p>", "shown"},
		{"self-closing script hides nothing", "<script/>shown", "shown"},
		{"pre keeps spacing", "<pre>a  b\n  c</pre>", "a  b\n  c"},
		{"table cells", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
		{"whitespace collapse", "  a \n\t b  ", "a b"},
		{"nbsp", "a&nbsp;&nbsp;b", "a b"},
		{"unclosed garbage", "<p>a<div <<>b", "a\nb"},
		{"list item spacing", "<ul><li> a </li><li>b</li></ul>", "- a\n- b"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := htmlToText(tt.in); got != tt.want {
				t.Errorf("htmlToText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestLaterVersionsOfAnAlternativeAreKept: inside one multipart/alternative
// the first plain and HTML versions are the body; a later version is not
// lost, it becomes an attachment.
func TestLaterVersionsOfAnAlternativeAreKept(t *testing.T) {
	in := mustParse(t, rawMail(
		"From: a@x",
		"Content-Type: multipart/alternative; boundary=b",
		"",
		"--b",
		"Content-Type: text/plain",
		"",
		"first",
		"--b",
		"Content-Type: text/plain",
		"",
		"second",
		"--b--",
	))
	if in.Text != "first" {
		t.Errorf("Text = %q, want first", in.Text)
	}
	if len(in.Attachments) != 1 || string(in.Attachments[0].Data) != "second" || in.Attachments[0].Filename != "attachment-1.txt" {
		t.Errorf("Attachments = %+v, want the second text as attachment-1.txt", in.Attachments)
	}
}

func TestBrokenBoundaryIsGuessed(t *testing.T) {
	in := fixture(t, "broken-boundary.eml")
	if in.Text != "The text behind a misdeclared boundary." {
		t.Errorf("Text = %q", in.Text)
	}
	if len(in.Attachments) != 1 || in.Attachments[0].Filename != "data.bin" {
		t.Errorf("Attachments = %+v, want data.bin", in.Attachments)
	}
}

// TestLenientStructure: broken MIME that a person can still read is read.
func TestLenientStructure(t *testing.T) {
	tests := []struct {
		name        string
		lines       []string
		text        string // Text must contain it
		attachments int
	}{
		{"multipart without boundary", []string{
			"Content-Type: multipart/mixed", "",
			"No boundary was declared and none is used.",
		}, "No boundary was declared", 0},
		{"missing closing boundary", []string{
			"Content-Type: multipart/mixed; boundary=b", "",
			"--b", "Content-Type: text/plain", "", "the text",
			"--b", "Content-Type: application/pdf; name=a.pdf", "", "%PDF truncated",
		}, "the text", 1},
		{"unknown transfer encoding", []string{
			"Content-Transfer-Encoding: x-something", "", "plain words",
		}, "plain words", 0},
		{"unparsable content type", []string{
			"Content-Type: text/plain; charset=\"utf-8", "", "still readable",
		}, "still readable", 0},
		{"malformed part header", []string{
			"Content-Type: multipart/mixed; boundary=b", "",
			"--b", "Content-Type: text/plain", "", "before",
			"--b", " bad continuation first", "", "after",
			"--b--",
		}, "before", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustParse(t, rawMail(append([]string{"From: a@x"}, tt.lines...)...))
			if !strings.Contains(in.Text, tt.text) || len(in.Attachments) != tt.attachments {
				t.Errorf("Text = %q, %d attachments; want %q and %d", in.Text, len(in.Attachments), tt.text, tt.attachments)
			}
		})
	}
}

func TestBadBase64KeepsDecodedPrefix(t *testing.T) {
	in := fixture(t, "bad-base64.eml")
	// RFC 2045 section 6.8: what is not base64 is ignored, so the letters of
	// the junk line decode too; the text before them is whole.
	if !strings.HasPrefix(in.Text, "Hello, this is readable.") {
		t.Errorf("Text = %q", in.Text)
	}
}
