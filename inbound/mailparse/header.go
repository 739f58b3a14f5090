package mailparse

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/textproto"

	"inboxdesk/ticket"
)

// headerBlock is a header split off the bytes of a message or part.
type headerBlock struct {
	header    textproto.Header
	body      []byte
	separated bool // a blank line ended the header (not junk or the end)
}

// splitHeader finds where the header of raw ends, leniently: the header is the
// run of field and continuation lines at the start, ended by a blank line or
// by the first line that is neither (then that line starts the body, as mail
// readers show it). It stops as soon as the header grows past max bytes.
func splitHeader(raw []byte, max int) (headerBlock, error) {
	start := skipMboxFrom(raw)
	rest, n, fields := start, 0, 0
	for len(rest) > 0 {
		line, next := cutLine(rest)
		if isBlankLine(line) {
			return newHeaderBlock(start[:n], next, true), nil
		}
		if !isHeaderLine(line, fields > 0) {
			break
		}
		if line[0] != ' ' && line[0] != '\t' {
			fields++
		}
		n += len(line)
		if n > max {
			return headerBlock{}, &Error{Reason: fmt.Sprintf("header block larger than %s",
				byteSize(int64(max))), Err: ErrHeaderTooLarge}
		}
		rest = next
	}
	return newHeaderBlock(start[:n], rest, false), nil
}

// skipMboxFrom drops the "From sender date" line mbox files put first; it is
// not a header field and would otherwise end the header at once.
func skipMboxFrom(raw []byte) []byte {
	if !bytes.HasPrefix(raw, []byte("From ")) {
		return raw
	}
	_, next := cutLine(raw)
	return next
}

func cutLine(b []byte) (line, rest []byte) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1], b[i+1:]
	}
	return b, nil
}

func isBlankLine(line []byte) bool {
	return len(line) == 0 || line[0] == '\n' || (line[0] == '\r' && len(line) > 1 && line[1] == '\n')
}

// isHeaderLine applies go-message's field-name rules, so that the block handed
// to textproto.ReadHeader always parses whole.
func isHeaderLine(line []byte, haveField bool) bool {
	if line[0] == ' ' || line[0] == '\t' {
		return haveField
	}
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return false
	}
	key := bytes.TrimRight(line[:i], " \t")
	if len(key) == 0 {
		return false
	}
	for _, c := range key {
		if c < 33 || c > 126 {
			return false
		}
	}
	return true
}

func newHeaderBlock(hdr, body []byte, separated bool) headerBlock {
	if len(hdr) == 0 {
		return headerBlock{body: body, separated: separated}
	}
	end := "\r\n"
	if len(hdr) > 0 && hdr[len(hdr)-1] != '\n' {
		end = "\r\n\r\n"
	}
	r := io.MultiReader(bytes.NewReader(hdr), strings.NewReader(end))
	// The lines were checked above; a residual error still leaves the
	// fields read so far, which is the most we can do.
	// A buffer sized to the block keeps many small blocks (a DSN's) cheap.
	h, _ := textproto.ReadHeader(bufio.NewReaderSize(r, min(len(hdr)+len(end), 4096)))
	return headerBlock{header: h, body: body, separated: separated}
}

// headerSize approximates the bytes of a parsed header, for the limit on part
// headers that go-message reads itself.
func headerSize(h textproto.Header) int {
	n := 0
	for f := h.Fields(); f.Next(); {
		n += len(f.Key()) + len(f.Value()) + 4
	}
	return n
}

// readEnvelope fills the fields that come from the top-level header.
func readEnvelope(in *ticket.Inbound, h textproto.Header) {
	in.MessageID = firstID(h.Get("Message-Id"))
	if in.MessageID == "" {
		in.MessageID = syntheticMessageID(in.ContentHash)
	}
	in.InReplyTo = parseIDs(strings.Join(h.Values("In-Reply-To"), " "))
	in.References = capIDs(parseIDs(strings.Join(h.Values("References"), " ")))
	if from := addressList(h, "From"); len(from) > 0 {
		in.From = from[0]
	}
	in.ReplyTo = addressList(h, "Reply-To")
	in.To = addressList(h, "To")
	in.Cc = addressList(h, "Cc")
	in.Subject = decodeText(h.Get("Subject"))
	in.Date = parseDate(h.Get("Date"))
	in.Language = language(h)
}

// decodeText decodes RFC 2047 encoded-words. A word in an unknown charset
// keeps its bytes (made valid UTF-8 later) rather than failing the header.
func decodeText(v string) string {
	dec := wordDecoder()
	s, err := dec.DecodeHeader(v)
	if err != nil {
		return v
	}
	return s
}

func wordDecoder() *mime.WordDecoder {
	return &mime.WordDecoder{CharsetReader: lenientCharsetReader}
}

func lenientCharsetReader(cs string, r io.Reader) (io.Reader, error) {
	if cr, err := charset.Reader(cs, r); err == nil {
		return cr, nil
	}
	return r, nil
}

// parseDate returns the zero time when the Date field is missing or unreadable:
// the caller then uses the time it received the message.
func parseDate(v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	t, err := mail.ParseDate(v)
	if err != nil {
		return time.Time{}
	}
	return t
}

// language reduces Content-Language or Accept-Language to the languages we
// answer in.
func language(h textproto.Header) string {
	v := h.Get("Content-Language")
	if v == "" {
		v = h.Get("Accept-Language")
	}
	return languageOf(v)
}

func languageOf(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	switch {
	case strings.HasPrefix(v, "es"):
		return "es"
	case strings.HasPrefix(v, "en"):
		return "en"
	}
	return ""
}
