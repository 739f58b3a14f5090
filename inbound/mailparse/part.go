package mailparse

import (
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	htmlcharset "golang.org/x/net/html/charset"

	"inboxdesk/ticket"
)

// partInfo is what decides where a leaf part goes.
type partInfo struct {
	media     string // lower case, without parameters
	disp      string // "inline", "attachment" or ""
	filename  string // as sent, decoded
	contentID string
}

func describe(h message.Header) partInfo {
	media, ctParams := parseParams(h.Get("Content-Type"))
	if !strings.Contains(media, "/") {
		// RFC 2045 section 5.2: a missing or invalid type means text/plain.
		media = "text/plain"
	}
	disp, dParams := parseParams(h.Get("Content-Disposition"))
	name := dParams["filename"]
	if name == "" {
		name = ctParams["name"]
	}
	return partInfo{media: media, disp: disp, filename: decodeText(name), contentID: cleanContentID(h.Get("Content-Id"))}
}

func cleanContentID(v string) string {
	v = strings.TrimSpace(v)
	v = strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
	return cleanID(v)
}

// leaf reads one non-multipart part into the body, an attachment and, inside
// a delivery report, the bounce details.
func (w *walker) leaf(e *message.Entity, depth int) {
	p := describe(e.Header)
	// A broken transfer encoding (bad base64, truncated part) still yields
	// what was decoded before the fault; that is worth keeping.
	data := w.readPart(e, p, depth)
	w.report.read(p.media, data, w.lim.MaxHeaderBytes)
	if w.takeBody(p, data, e.Header) {
		return
	}
	w.attach(p, data)
}

// readAheadPerLevel is how many bytes each multipart level may have read
// beyond the part being decoded (go-message's peek buffer).
const readAheadPerLevel = 4096

// readPart returns a leaf part's decoded body. A base64 part that is not
// text decodes to at most three quarters of the raw bytes not yet read, so
// it is read into a buffer of that size: for a large attachment this
// avoids io.ReadAll's step-by-step growth, which leaves about as much again
// in discarded buffers (a 36 MB attachment peaked near 70 MB). A buffer
// much larger than what it got (more parts followed) is trimmed.
func (w *walker) readPart(e *message.Entity, p partInfo, depth int) []byte {
	enc := strings.ToLower(strings.TrimSpace(e.Header.Get("Content-Transfer-Encoding")))
	if enc != "base64" || w.unread == nil || strings.HasPrefix(p.media, "text/") {
		data, _ := io.ReadAll(e.Body)
		return data
	}
	limit := (w.unread.Len()+readAheadPerLevel*(depth+1))/4*3 + 3
	data := make([]byte, 0, limit)
	for {
		n, err := e.Body.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err != nil {
			break
		}
		if len(data) == cap(data) { // the bound was wrong: grow as io.ReadAll would
			data = append(data, 0)[:len(data)]
		}
	}
	if spare := cap(data) - len(data); spare > 64<<10 && spare > len(data)/4 {
		data = append([]byte(nil), data...)
	}
	return data
}

// takeBody stores the first inline text/plain and text/html parts as the
// message body.
func (w *walker) takeBody(p partInfo, data []byte, h message.Header) bool {
	if p.disp == "attachment" || p.filename != "" {
		return false
	}
	switch {
	case p.media == "text/plain" && !w.body.text:
		w.body.text = true
		w.in.Text = string(data)
		if w.in.Language == "" {
			w.in.Language = languageOf(h.Get("Content-Language"))
		}
	case p.media == "text/html" && !w.body.html:
		w.body.html = true
		w.in.HTML = htmlString(data)
	default:
		return false
	}
	return true
}

// htmlString decodes HTML whose charset the MIME header did not (or wrongly)
// declare, using its <meta> tag, as browsers do.
func htmlString(data []byte) string {
	if utf8.Valid(data) {
		return string(data)
	}
	enc, _, _ := htmlcharset.DetermineEncoding(data, "text/html")
	if dec, err := enc.NewDecoder().Bytes(data); err == nil {
		return string(dec)
	}
	return string(data)
}

func (w *walker) attach(p partInfo, data []byte) {
	name := p.filename
	if name == "" && isMessage(p.media) {
		name = forwardedName(data, w.lim.MaxHeaderBytes)
	}
	w.in.Attachments = append(w.in.Attachments, ticket.Attachment{
		Filename:    sanitizeFilename(name, len(w.in.Attachments)+1, p.media),
		ContentType: p.media,
		ContentID:   p.contentID,
		Inline:      p.contentID != "" && p.disp != "attachment",
		Data:        data,
	})
}

func isMessage(media string) bool {
	return media == "message/rfc822" || media == "message/global"
}

// forwardedName names an attached message after its subject, which is what
// the agent will look for.
func forwardedName(data []byte, maxHeader int) string {
	blk, err := splitHeader(data, maxHeader)
	if err != nil {
		return "forwarded-message.eml"
	}
	subject := strings.TrimSpace(decodeText(blk.header.Get("Subject")))
	subject = strings.NewReplacer("/", "-", `\`, "-").Replace(subject)
	if subject == "" {
		return "forwarded-message.eml"
	}
	return subject + ".eml"
}
