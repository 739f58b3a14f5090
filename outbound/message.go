package outbound

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode/utf8"

	"inboxdesk/ticket"
)

const maxNameRunes = 64

type field struct{ name, value string }

// message joins the headers and the multipart/alternative body.
//
// There is no "Precedence: bulk": it is not standard, mailbox providers read
// it as bulk mail when they sort and filter, and the RFC 3834 header
// Auto-Submitted (with X-Auto-Response-Suppress for Exchange) already keeps
// auto-responders quiet.
func (c *Composer) message(job ticket.AlertJob, lang string, r rendered, now time.Time) ([]byte, error) {
	var body bytes.Buffer
	boundary, err := writeBody(&body, r)
	if err != nil {
		return nil, err
	}
	fields := []field{
		{"From", formatAddress(c.cfg.From)},
		{"To", formatAddress(job.Recipient)},
		{"Subject", encodeHeader(r.Subject)},
		{"Date", now.Format(time.RFC1123Z)},
		{"Message-ID", "<" + job.MessageID + ">"},
	}
	// References is the customer's own Message-ID: when it is not one we can
	// write safely, the alert goes out without threading rather than not at all.
	if job.References != "" && checkMessageID(job.References) == nil {
		ref := "<" + job.References + ">"
		fields = append(fields, field{"In-Reply-To", ref}, field{"References", ref})
	}
	fields = append(fields, c.ownMailFields()...)
	return joinMessage(append(fields, alternativeFields(lang, boundary)...), body.Bytes()), nil
}

// ownMailFields are on every mail we send: they keep auto-responders quiet
// and tell our own mail, should it come back, from a customer's.
func (c *Composer) ownMailFields() []field {
	return []field{
		{"Auto-Submitted", "auto-generated"},
		{"X-Auto-Response-Suppress", "All"},
		{ticket.LoopHeader, c.cfg.Domain},
	}
}

// alternativeFields describe a text and an HTML part in lang.
func alternativeFields(lang, boundary string) []field {
	return []field{
		{"MIME-Version", "1.0"},
		{"Content-Language", lang},
		{"Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": boundary})},
	}
}

// joinMessage writes the header fields, a blank line and the body.
func joinMessage(fields []field, body []byte) []byte {
	var b bytes.Buffer
	for _, f := range fields {
		b.WriteString(f.name + ": " + f.value + "\r\n")
	}
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

// writeBody writes the text and HTML parts, quoted-printable, and returns the boundary.
func writeBody(b *bytes.Buffer, r rendered) (string, error) {
	mw := multipart.NewWriter(b)
	if err := writePart(mw, "text/plain", r.Text); err != nil {
		return "", err
	}
	if err := writePart(mw, "text/html", r.HTML); err != nil {
		return "", err
	}
	return mw.Boundary(), mw.Close()
}

func writePart(mw *multipart.Writer, mediaType, content string) error {
	w, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {mediaType + "; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return err
	}
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(content)); err != nil {
		return err
	}
	return qp.Close()
}

// formatAddress writes a mailbox for a header. The display name is the
// customer's own text: control characters (CR and LF among them) become
// spaces, and net/mail quotes or RFC 2047-encodes the rest, so a name can
// never end the header line.
func formatAddress(a ticket.Address) string {
	return (&mail.Address{Name: cleanName(a.Name), Address: a.Email}).String()
}

func cleanName(name string) string {
	name = oneLine(name)
	if utf8.RuneCountInString(name) > maxNameRunes {
		name = string([]rune(name)[:maxNameRunes])
	}
	return name
}

// encodeHeader RFC 2047-encodes s when it is not plain ASCII, folding
// between encoded words so lines stay short.
func encodeHeader(s string) string {
	return strings.ReplaceAll(mime.QEncoding.Encode("utf-8", s), "?= =?", "?=\r\n =?")
}

// checkAddress accepts a bare addr-spec (no display name, no comments).
func checkAddress(email string) error {
	if email == "" {
		return errors.New("empty address")
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Name != "" || a.Address != email {
		return fmt.Errorf("%q is not a plain email address", email)
	}
	return nil
}

// checkMessageID accepts a msg-id without its angle brackets: 1 to 250
// characters of visible ASCII other than the brackets.
func checkMessageID(id string) error {
	if id == "" || len(id) > 250 {
		return fmt.Errorf("%q: want 1 to 250 characters", id)
	}
	for _, r := range id {
		if r <= ' ' || r > '~' || r == '<' || r == '>' {
			return fmt.Errorf("%q has a character not allowed in a Message-ID", id)
		}
	}
	return nil
}
