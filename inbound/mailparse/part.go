package mailparse

import (
	"bytes"
	"crypto/sha256"
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
	charset   string // declared, "" when not
	title     string // Content-Description, decoded
}

// describe reads a part's header; msgCharset is the message's declared
// charset, for a file name in undeclared 8-bit bytes.
func describe(h message.Header, msgCharset string) partInfo {
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
	cs := ctParams["charset"]
	return partInfo{media: media, disp: disp, filename: decodeText(name, cs, msgCharset),
		contentID: cleanContentID(h.Get("Content-Id")), charset: cs,
		title: decodeText(h.Get("Content-Description"), cs, msgCharset)}
}

func cleanContentID(v string) string {
	v = strings.TrimSpace(v)
	v = strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
	return cleanID(v)
}

// leaf reads one non-multipart part into the body, an attachment and, inside
// a delivery report, the bounce details. When the walker extracts one part
// (openPart), it only counts leaves until it reaches that one.
func (w *walker) leaf(e *message.Entity, depth int) error {
	w.leaves++
	if w.extract > 0 {
		if w.leaves == w.extract {
			w.extracted = e.Body
			return errExtracted
		}
		return nil
	}
	p := describe(e.Header, w.charset)
	// A broken transfer encoding (a truncated part, a control byte in
	// quoted-printable) still yields what was decoded before the fault; that
	// is kept, and the part as sent beside it, with a note.
	memo := &faultMemo{r: e.Body}
	e.Body = memo
	data, stream := w.readPart(e, p, depth)
	if memo.err != nil {
		defer w.keepAsSent(len(w.in.Attachments), e.Header.Get("Content-Transfer-Encoding"), memo.err)
	}
	if stream != nil {
		w.attach(p, nil, stream)
		return nil
	}
	if e.Header.Len() == 0 && len(bytes.TrimSpace(data)) == 0 {
		return nil // an empty part without a header (a stray last boundary) holds nothing
	}
	w.report.read(p.media, data, w.lim.MaxHeaderBytes)
	if strings.HasPrefix(p.media, "text/") {
		return w.textLeaf(p, data, e.Header)
	}
	w.attach(p, data, nil)
	return nil
}

// textLeaf puts a text part in the body or, converted from its declared
// charset, among the attachments. A body part without a charset, or with a
// wrong one, is decoded as toUTF8 finds (the message's charset, ISO-2022-JP
// escapes, detection).
func (w *walker) textLeaf(p partInfo, data []byte, h message.Header) error {
	if p.media != "text/html" || p.charset != "" {
		// HTML without a declaration names its charset in a <meta> tag, which
		// htmlString reads.
		body := toUTF8(data, p.charset, w.charset)
		if w.takeBody(p, body, h) {
			return nil
		}
	} else if w.takeBody(p, data, h) {
		return nil
	}
	if out, ok := decodeStrict(p.charset, data); ok && p.charset != "" {
		data = out
	}
	w.attach(p, data, nil)
	return nil
}

const (
	// readAheadPerLevel is how many bytes each multipart level may have
	// read beyond the part being decoded (go-message's peek buffer).
	readAheadPerLevel = 4096
	// streamAbove: a larger base64 attachment is not kept in memory; it is
	// hashed now and decoded again from the raw mail while it is stored,
	// so a 50 MB mail costs its raw bytes, not also its decoded files.
	streamAbove = 1 << 20
)

// readPart returns a leaf part's decoded body, or for a large base64 file
// a stream of it. A base64 part that is not text decodes to at most three
// quarters of the raw bytes not yet read, so it is read into a buffer of
// that size (at most streamAbove): io.ReadAll's step-by-step growth leaves
// about as much again in discarded buffers.
func (w *walker) readPart(e *message.Entity, p partInfo, depth int) ([]byte, *ticket.AttachmentStream) {
	enc := strings.ToLower(strings.TrimSpace(e.Header.Get("Content-Transfer-Encoding")))
	if enc != "base64" || w.unread == nil || strings.HasPrefix(p.media, "text/") || strings.HasPrefix(p.media, "message/") {
		data, _ := io.ReadAll(e.Body)
		return data, nil
	}
	bound := (w.unread.Len()+readAheadPerLevel*(depth+1))/4*3 + 3
	data := make([]byte, 0, min(bound, streamAbove+1))
	full, err := fill(&data, e.Body)
	switch {
	case !full || err != nil:
	case cap(data) > streamAbove:
		return nil, w.stream(data, e.Body)
	default: // the bound was wrong: read on as io.ReadAll would
		rest, _ := io.ReadAll(e.Body)
		data = append(data, rest...)
	}
	if spare := cap(data) - len(data); spare > 64<<10 && spare > len(data)/4 {
		data = append([]byte(nil), data...)
	}
	return data, nil
}

// fill reads r into data's spare capacity, reporting whether it filled it
// before r ended.
func fill(data *[]byte, r io.Reader) (full bool, err error) {
	for len(*data) < cap(*data) {
		n, err := r.Read((*data)[len(*data):cap(*data)])
		*data = (*data)[:len(*data)+n]
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
	return true, nil
}

// stream hashes the rest of a large part (head is what was read of it) and
// returns how to read it again: by walking the raw mail to this leaf.
func (w *walker) stream(head []byte, rest io.Reader) *ticket.AttachmentStream {
	h := sha256.New()
	h.Write(head)
	n, _ := io.Copy(h, rest) // what decodes before a fault, as for held parts
	raw, lim, leaf := w.raw, w.lim, w.leaves
	return &ticket.AttachmentStream{Size: int64(len(head)) + n, SHA256: h.Sum(nil),
		Open: func() io.Reader { return openPart(raw, lim, leaf, true) }}
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

func (w *walker) attach(p partInfo, data []byte, stream *ticket.AttachmentStream) {
	name := p.filename
	if name == "" && isMessage(p.media) {
		name = forwardedName(data, w.lim.MaxHeaderBytes)
	}
	if name == "" {
		name = contentIDName(p.contentID)
	}
	if name == "" {
		name = describedName(p.title, p.media)
	}
	if name == "" && isMessage(p.media) {
		name = "forwarded-message.eml"
	}
	w.in.Attachments = append(w.in.Attachments, ticket.Attachment{
		Filename:    SanitizeFilename(name, len(w.in.Attachments)+1, p.media),
		ContentType: p.media,
		ContentID:   p.contentID,
		Inline:      p.contentID != "" && p.disp != "attachment",
		Data:        data,
		Stream:      stream,
	})
	if isTNEF(p.media, p.filename) {
		w.unpackTNEF(data, stream)
	}
}

// unpackTNEF adds the files of a winmail.dat after it; the original stays,
// for whatever the unpacking does not read (the message's own RTF).
func (w *walker) unpackTNEF(data []byte, stream *ticket.AttachmentStream) {
	if stream != nil {
		data, _ = io.ReadAll(io.LimitReader(stream.Open(), w.lim.MaxSize))
	}
	files, err := unpackTNEF(data, w.lim.MaxParts-w.parts)
	if err != nil {
		return
	}
	w.parts += len(files)
	for _, f := range files {
		media := typeForName(f.name)
		w.in.Attachments = append(w.in.Attachments, ticket.Attachment{
			Filename:    SanitizeFilename(f.name, len(w.in.Attachments)+1, media),
			ContentType: media,
			Data:        f.data,
		})
	}
}

// contentIDName is the file name an unnamed part's Content-ID holds, as
// Outlook writes them ("image001.jpg@01CDB132.D8A510F0"): the part before
// "@" when it ends in a short alphabetic extension.
func contentIDName(cid string) string {
	name, _, _ := strings.Cut(cid, "@")
	dot := strings.LastIndexByte(name, '.')
	if dot <= 0 || len(name)-dot < 3 || len(name)-dot > 5 {
		return ""
	}
	for _, c := range name[dot+1:] {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return ""
		}
	}
	return name
}

// describedName names an unnamed part after its Content-Description
// ("Delivery report", "Undelivered Message"), when that is a short title.
func describedName(title, media string) string {
	title = strings.TrimSpace(title)
	if title == "" || len(title) > 60 || strings.ContainsAny(title, "/\\\r\n") {
		return ""
	}
	return title + ExtensionFor(media)
}

func isMessage(media string) bool {
	return media == "message/rfc822" || media == "message/global"
}

// forwardedName names an attached message after its subject, which is what
// the agent will look for ("" when it has none).
func forwardedName(data []byte, maxHeader int) string {
	blk, err := splitHeader(data, maxHeader)
	if err != nil {
		return ""
	}
	subject := strings.TrimSpace(decodeText(blk.header.Get("Subject")))
	subject = strings.NewReplacer("/", "-", `\`, "-").Replace(subject)
	if subject == "" {
		return ""
	}
	return subject + ".eml"
}
