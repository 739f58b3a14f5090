package mailparse

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"

	"inboxdesk/ticket"
)

// The tests here each pin one way real-world mail broke the parser; their
// fixtures are written here, shaped like what mail clients and gateways send.

func TestStrayHeaderLinesDoNotEndTheHeader(t *testing.T) {
	tests := []struct {
		name string
		raw  []byte
	}{
		{"wrapped line lost its indent", rawMail(
			"Received: from relay.example.net",
			"X-Tracker: H4sIAAAAAAAAA+NgFlrIKsWRWlGSWpSXmKPExsWi75nTrTtrwZM",
			"Ig5drOCwmrVzP5sDoseXbDeYAxijWzLyk/IoE1owFz6ezFkxKrWjafpWpgfFOchcjF4eQwDZG",
			"iZbLL1ggnEOMEg3T97FCOIcZJX7/WsDcxcgJ5GxmlDg5wwvEZhPwkPhx6DUbiC0iYChxfOFUd",
			`From: "Doe, Jane" <jane@example.com>`,
			"Subject: Invoice question",
			"", "Hello")},
		{"gateway banner before the fields", rawMail(
			"---- Original email message ----",
			"Return-Path: jane@example.com",
			"From: Jane Doe <jane@example.com>",
			"Subject: Invoice question",
			"", "Hello")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustParse(t, tt.raw)
			if in.From.Email != "jane@example.com" || in.Subject != "Invoice question" || in.Text != "Hello\n" {
				t.Errorf("From %+v, Subject %q, Text %q", in.From, in.Subject, in.Text)
			}
		})
	}
}

// A header without a blank line after it still ends at a body line that
// no known field follows.
func TestBodyLineWithoutBlankLineStillStartsTheBody(t *testing.T) {
	in := mustParse(t, rawMail("From: jane@example.com", "Subject: Hi", "Hello team", "Status: all good"))
	if in.Subject != "Hi" || in.Text != "Hello team\nStatus: all good\n" {
		t.Errorf("Subject %q, Text %q", in.Subject, in.Text)
	}
}

func TestParameterWithoutSemicolonStaysAParameter(t *testing.T) {
	in := mustParse(t, rawMail("From: jane@example.com", "Subject: x", "MIME-Version: 1.0",
		`Content-Type: multipart/mixed boundary="b1"`, "",
		"--b1", "Content-Type: text/plain charset=iso-8859-1", "", "caf\xe9", "--b1",
		"Content-Type: application/pdf name=report.pdf", "Content-Transfer-Encoding: base64", "", "JVBERi0=", "--b1--"))
	if in.Text != "café" {
		t.Errorf("Text %q, want the ISO-8859-1 body decoded", in.Text)
	}
	if len(in.Attachments) != 1 || in.Attachments[0].ContentType != "application/pdf" || in.Attachments[0].Filename != "report.pdf" {
		t.Fatalf("attachments %+v", in.Attachments)
	}
}

// encodeIn returns s in enc's bytes, for fixtures in legacy charsets.
func encodeIn(t *testing.T, enc encoding.Encoding, s string) string {
	t.Helper()
	b, err := enc.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestUndeclaredEightBitHeadersAreDetected(t *testing.T) {
	gb := func(s string) string { return encodeIn(t, simplifiedchinese.GB18030, s) }
	sjis := func(s string) string { return encodeIn(t, japanese.ShiftJIS, s) }
	latin := func(s string) string { return encodeIn(t, charmap.Windows1252, s) }
	tests := []struct {
		name              string
		raw               []byte
		fromName, subject string
		filename          string
	}{
		{"GB18030 name and subject, no charset anywhere", rawMail(
			`From: "`+gb("武兰成")+`" <wu@example.cn>`, "Subject: "+gb("转发：整体提升企业服务水平"), "", "hi"),
			"武兰成", "转发：整体提升企业服务水平", ""},
		{"Shift_JIS subject", rawMail("From: bar@example.org", "Subject: "+sjis("ツール"), "", "hi"),
			"", "ツール", ""},
		{"Latin-1 file name", rawMail("From: a@example.de", "Subject: Rechnung",
			"Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: text/plain; charset=utf-8", "", "anbei",
			"--b", "Content-Type: image/jpeg", `Content-Disposition: attachment; filename="`+latin("Hofjägerallee.jpg")+`"`,
			"", "jpeg", "--b--"),
			"", "Rechnung", "Hofjägerallee.jpg"},
		{"file name in the charset the message declares", rawMail("From: a@example.cn", "Subject: x",
			`Content-Type: multipart/mixed; boundary="b"; charset="GB2312"`, "", "--b", "Content-Type: text/plain", "", "hi",
			"--b", `Content-Type: application/octet-stream; name="`+gb("绩效管理.xls")+`"`, "", "xls", "--b--"),
			"", "x", "绩效管理.xls"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustParse(t, tt.raw)
			if in.From.Name != tt.fromName || in.Subject != tt.subject {
				t.Errorf("From.Name %q, Subject %q; want %q, %q", in.From.Name, in.Subject, tt.fromName, tt.subject)
			}
			if tt.filename != "" && (len(in.Attachments) != 1 || in.Attachments[0].Filename != tt.filename) {
				t.Errorf("attachments %+v, want %q", in.Attachments, tt.filename)
			}
		})
	}
}

func TestEncodedWordsInWrongCharsetOrOverPadded(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	sjis := encodeIn(t, japanese.ShiftJIS, "ツール")
	jis := encodeIn(t, japanese.ISO2022JP, "事務局")
	in := mustParse(t, rawMail(
		"From: =?ISO-2022-JP?B?"+b64(sjis+" EXAMPLE")+"?= <bar@example.org>",
		`Reply-To: "=?ISO-2022-JP?B?`+b64(jis)+`==?=" <noreply@example.org>`,
		"Subject: =?ISO-2022-JP?B?"+b64(sjis)+"?=", "", "hi"))
	if in.From.Name != "ツール EXAMPLE" || in.Subject != "ツール" {
		t.Errorf("Shift_JIS declared as ISO-2022-JP: From.Name %q, Subject %q", in.From.Name, in.Subject)
	}
	if len(in.ReplyTo) != 1 || in.ReplyTo[0].Name != "事務局" {
		t.Errorf("over-padded word: Reply-To %+v", in.ReplyTo)
	}
}

func TestISO2022JPBodyWithoutCharset(t *testing.T) {
	in := mustParse(t, rawMail("From: info@example.com", "Subject: Test inquiry", "Content-Type: text/plain", "",
		encodeIn(t, japanese.ISO2022JP, "これはテストメールです。")))
	if in.Text != "これはテストメールです。\n" {
		t.Errorf("Text %q", in.Text)
	}
}

func TestMostlyUTF8BodyWithStrayLatin1(t *testing.T) {
	in := mustParse(t, rawMail("From: a@example.com", "Subject: x", "Content-Type: text/plain; charset=iso-gb2312", "",
		"Here it goes - äöü - 差出人", "and - \xe4\xf6\xfc - hi"))
	if in.Text != "Here it goes - äöü - 差出人\nand - äöü - hi\n" {
		t.Errorf("Text %q", in.Text)
	}
}

// In a multipart/mixed every inline text part is shown, in order, whether
// plain or HTML: a text, a picture, more text, a signature.
func TestInlineTextPartsOfMixedShowInOrder(t *testing.T) {
	in := mustParse(t, rawMail("From: a@example.com", "Subject: x", "Content-Type: multipart/mixed; boundary=m", "",
		"--m", "Content-Type: multipart/alternative; boundary=a", "",
		"--a", "Content-Type: text/plain", "", "Hello in plain", "--a", "Content-Type: text/html", "", "<p>Hello in <b>HTML</b></p>", "--a--",
		"--m", "Content-Type: image/png; name=shot.png", "", "png",
		"--m", "Content-Type: text/plain; charset=utf-8", "", "Text after the picture",
		"--m", "Content-Type: text/html", "", "<div>The <i>signature</i></div>",
		"--m--"))
	if want := "Hello in plain\nText after the picture\nThe signature"; in.Text != want {
		t.Errorf("Text %q, want %q", in.Text, want)
	}
	for _, want := range []string{"<p>Hello in <b>HTML</b></p>", "<div>Text after the picture</div>", "<div>The <i>signature</i></div>"} {
		if !strings.Contains(in.HTML, want) {
			t.Errorf("HTML %q lacks %q", in.HTML, want)
		}
	}
	if strings.Index(in.HTML, "Hello") > strings.Index(in.HTML, "picture") || strings.Index(in.HTML, "picture") > strings.Index(in.HTML, "signature") {
		t.Errorf("HTML out of order: %q", in.HTML)
	}
	if len(in.Attachments) != 1 || in.Attachments[0].Filename != "shot.png" {
		t.Errorf("attachments %+v, want only the picture", in.Attachments)
	}
}

func TestUnnamedPartsAreNamedByTypeOrContentID(t *testing.T) {
	in := mustParse(t, rawMail("From: a@example.com", "Subject: x", "Content-Type: multipart/mixed; boundary=m", "",
		"--m", "Content-Type: text/plain", "", "see the video",
		"--m", "Content-Type: video/quicktime", "Content-Disposition: attachment", "", "mov",
		"--m", "Content-Type: image/jpg", "Content-Disposition: attachment", "", "jpg",
		"--m", "Content-Type: image/jpeg", "Content-ID: <image001.jpg@01CDB132.D8A510F0>", "", "jpg",
		"--m", "Content-Type: image/avif", "Content-ID: <32497.1617621278.2>", "", "avif",
		"--m--"))
	var names []string
	for _, a := range in.Attachments {
		names = append(names, a.Filename)
	}
	if want := []string{"attachment-1.mov", "attachment-2.jpg", "image001.jpg", "attachment-4.avif"}; !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
}

// RFC 2045 section 6.8: characters outside the base64 alphabet are ignored,
// never a reason to drop the file.
func TestBase64WithStrayCharactersDecodesWhole(t *testing.T) {
	data := []byte("%PDF-1.4 the whole report, every byte of it")
	enc := base64.StdEncoding.EncodeToString(data)
	stray := enc[:20] + "!*\r\n" + enc[20:40] + " ~" + enc[40:] + "=="
	in := mustParse(t, rawMail("From: a@example.com", "Subject: x", "Content-Type: multipart/mixed; boundary=m", "",
		"--m", "Content-Type: text/plain", "", "report attached",
		"--m", "Content-Type: application/pdf; name=report.pdf", "Content-Transfer-Encoding: base64", "", stray,
		"--m--"))
	if len(in.Attachments) != 1 || string(in.Attachments[0].Data) != string(data) {
		t.Fatalf("attachments %+v, want report.pdf whole", in.Attachments)
	}
}

func TestAddressSalvageTakesNoGuess(t *testing.T) {
	tests := []struct {
		from string
		want ticket.Address
	}{
		{"=?iso-8859-1?Q?B=FCrling,=20Andreas?= <smith@example.com>", ticket.Address{Name: "Bürling, Andreas", Email: "smith@example.com"}},
		{`"your secret past" <power quadrant system@example.com>`, ticket.Address{}},
		{`"Millions Lottery Spain transfer"@example.com>`, ticket.Address{}},
		{`"Jane" jane@example.com (broken`, ticket.Address{Email: "jane@example.com"}},
	}
	for _, tt := range tests {
		in, err := Parse(rawMail("From: "+tt.from, "Subject: x", "", "hi"), DefaultLimits())
		if err != nil {
			t.Fatalf("%s: %v", tt.from, err)
		}
		if in.From != tt.want {
			t.Errorf("From: %s\n got %+v, want %+v", tt.from, in.From, tt.want)
		}
	}
}

func TestUnnamedPartsAreNamedByDescription(t *testing.T) {
	in := mustParse(t, rawMail("From: a@example.com", "Subject: x", "Content-Type: multipart/mixed; boundary=m", "",
		"--m", "Content-Type: text/plain", "", "see below",
		"--m", "Content-Description: Delivery report", "Content-Type: message/delivery-status", "", "Action: failed",
		"--m", "Content-Description: Undelivered Message", "Content-Type: message/rfc822", "", "From: b@example.com", "", "hi",
		"--m--"))
	var names []string
	for _, a := range in.Attachments {
		names = append(names, a.Filename)
	}
	if want := []string{"Delivery report.txt", "Undelivered Message.eml"}; !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
}

// A multipart that holds no parts but declares a transfer encoding is one
// text in that encoding.
func TestPartlessMultipartIsDecoded(t *testing.T) {
	in := mustParse(t, rawMail("From: a@example.com", "Subject: x", "Content-Transfer-Encoding: quoted-printable",
		`Content-Type: multipart/mixed; boundary="never-used"`, "", "=E4=F6=FC ad asd"))
	if in.Text != "äöü ad asd\n" {
		t.Errorf("Text %q", in.Text)
	}
}

// A part whose encoding breaks off keeps what was decoded, gets its bytes
// as sent attached beside it, and a note says so.
func TestUndecodablePartKeptAsSentWithNote(t *testing.T) {
	in := mustParse(t, rawMail("From: a@example.com", "Subject: x", "Content-Type: multipart/mixed; boundary=m", "",
		"--m", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
		"Readable caf=C3=A9,", "then a stray \x00 byte and the rest=2E",
		"--m", "Content-Type: application/pdf; name=report.pdf", "Content-Transfer-Encoding: base64", "", "JVBERi0xLjQKJ", "--m--")) // one character short
	if !strings.HasPrefix(in.Text, "Readable café,") {
		t.Errorf("Text %q, want what was decoded before the fault", in.Text)
	}
	var names []string
	for _, a := range in.Attachments {
		names = append(names, a.Filename)
	}
	if want := []string{"the message text (as sent).txt", "report.pdf", "report.pdf (as sent).txt"}; !slices.Equal(names, want) {
		t.Fatalf("attachments %q, want %q", names, want)
	}
	if got := string(in.Attachments[0].Data); !strings.Contains(got, "the rest=2E") {
		t.Errorf("the text part as sent %q lacks its end", got)
	}
	if len(in.Notes) != 2 || !strings.Contains(in.Notes[0], "quoted-printable") || !strings.Contains(in.Notes[1], "report.pdf") {
		t.Errorf("notes %q", in.Notes)
	}
}

// A last boundary left unclosed opens an empty part without a header;
// it holds nothing and becomes no attachment.
func TestEmptyHeaderlessPartIsNoAttachment(t *testing.T) {
	in := mustParse(t, rawMail("From: a@example.com", "Subject: x", "Content-Type: multipart/alternative; boundary=a", "",
		"--a", "Content-Type: text/plain", "", "", "--a", "Content-Type: text/html", "", "<b>some html text</b>", "", "--a", ""))
	if len(in.Attachments) != 0 || !strings.Contains(in.HTML, "some html text") {
		t.Errorf("attachments %+v, HTML %q", in.Attachments, in.HTML)
	}
}

// A version of an alternative may itself be several parts (Outlook: an
// HTML text and an HTML signature in a multipart/mixed); all of them are
// that version.
func TestVersionOfSeveralPartsIsShownWhole(t *testing.T) {
	in := mustParse(t, rawMail("From: a@example.com", "Subject: x", "Content-Type: multipart/alternative; boundary=a", "",
		"--a", "Content-Type: text/plain", "", "Dear team, regards",
		"--a", "Content-Type: multipart/mixed; boundary=m", "",
		"--m", "Content-Type: text/html", "", "<p>Dear team,</p>", "--m", "Content-Type: text/html", "", "<p>regards</p>", "--m--",
		"--a--"))
	if in.Text != "Dear team, regards" || in.HTML != "<p>Dear team,</p><p>regards</p>" || len(in.Attachments) != 0 {
		t.Errorf("Text %q, HTML %q, attachments %+v", in.Text, in.HTML, in.Attachments)
	}
}
