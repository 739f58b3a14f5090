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
func (w *walker) leaf(e *message.Entity) {
	p := describe(e.Header)
	// A broken transfer encoding (bad base64, truncated part) still yields
	// what was decoded before the fault; that is worth keeping.
	data, _ := io.ReadAll(e.Body)
	w.report.read(p.media, data, w.lim.MaxHeaderBytes)
	if w.takeBody(p, data, e.Header) {
		return
	}
	w.attach(p, data)
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
