package mailparse

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/textproto"

	"inboxdesk/lang"
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
// readers show it). A stray line (a wrapped line without its leading white
// space, a banner some gateway put first) does not end the header when a
// well-known field still follows before the blank line: mail clients read on,
// and From or Subject below it would otherwise be lost. It stops as soon as
// the header grows past max bytes.
func splitHeader(raw []byte, max int) (headerBlock, error) {
	return splitFields(raw, max, true)
}

// splitFields is splitHeader, mending stray lines only when lenient: blocks
// of fields inside a part (a delivery report's recipients) are read as
// written, and so stay linear however much junk sits between them.
func splitFields(raw []byte, max int, lenient bool) (headerBlock, error) {
	start := skipMboxFrom(raw)
	rest, n, fields := start, 0, 0
	var fixed []byte // the header with stray lines mended, once there is one
	strayUntil := -1 // offset in start below which stray lines are mended
	for len(rest) > 0 {
		line, next := cutLine(rest)
		if isBlankLine(line) {
			return newHeaderBlock(mended(start[:n], fixed), next, true), nil
		}
		if n+len(line) > max {
			return headerBlock{}, &Error{Reason: fmt.Sprintf("header block larger than %s",
				byteSize(int64(max))), Err: ErrHeaderTooLarge}
		}
		switch {
		case isHeaderLine(line, fields > 0):
			if line[0] != ' ' && line[0] != '\t' {
				fields++
			}
			if fixed != nil {
				fixed = append(fixed, line...)
			}
		case lenient && (n < strayUntil || knownFieldAhead(next, max-n, &strayUntil, n+len(line))):
			if fixed == nil {
				fixed = append(make([]byte, 0, n+len(line)+256), start[:n]...)
			}
			if fields > 0 { // a continuation that lost its indent
				fixed = append(append(fixed, ' '), line...)
			}
		default:
			return newHeaderBlock(mended(start[:n], fixed), rest, false), nil
		}
		n += len(line)
		rest = next
	}
	return newHeaderBlock(mended(start[:n], fixed), rest, false), nil
}

func mended(hdr, fixed []byte) []byte {
	if fixed != nil {
		return fixed
	}
	return hdr
}

// knownFieldAhead reports whether a well-known field line comes in b before
// a blank line, within budget bytes; if so it sets *until to where it starts
// (offset is where b starts), so the stray lines before it are not scanned
// again.
func knownFieldAhead(b []byte, budget int, until *int, offset int) bool {
	for read := 0; len(b) > 0 && read < budget; {
		line, next := cutLine(b)
		if isBlankLine(line) {
			return false
		}
		if isHeaderLine(line, false) && knownField(line) {
			*until = offset + read
			return true
		}
		read += len(line)
		b = next
	}
	return false
}

// knownFields are the fields a stray line may sit above: names a sentence of
// body text hardly starts with.
var knownFields = map[string]bool{
	"from": true, "to": true, "cc": true, "subject": true, "date": true, "message-id": true,
	"reply-to": true, "in-reply-to": true, "references": true, "sender": true, "received": true,
	"return-path": true, "delivered-to": true, "mime-version": true, "content-type": true,
	"content-transfer-encoding": true,
}

func knownField(line []byte) bool {
	key, _, _ := bytes.Cut(line, []byte(":"))
	k := strings.ToLower(string(bytes.TrimRight(key, " \t")))
	return knownFields[k] || strings.HasPrefix(k, "x-")
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
	hint := envelopeCharset(h)
	if from := addressList(h, "From", hint); len(from) > 0 {
		in.From = from[0]
	}
	in.ReplyTo = addressList(h, "Reply-To", hint)
	in.To = addressList(h, "To", hint)
	in.Cc = addressList(h, "Cc", hint)
	for _, k := range []string{"Delivered-To", "X-Original-To", "Envelope-To"} {
		in.DeliveredTo = append(in.DeliveredTo, addressList(h, k, hint)...)
	}
	in.Subject = decodeText(h.Get("Subject"), hint)
	in.Date = parseDate(h.Get("Date"))
	in.Language = language(h)
}

// decodeText decodes RFC 2047 encoded-words and undeclared 8-bit bytes
// (read in the charsets hints names, then detected; see toUTF8). A word in
// an unknown or wrong charset, or whose base64 carries extra padding, is
// still decoded where it can be; what cannot be keeps its bytes (made valid
// UTF-8 later) rather than failing the header.
func decodeText(v string, hints ...string) string {
	if !utf8.ValidString(v) {
		v = string(toUTF8([]byte(v), hints...))
	}
	if !strings.Contains(v, "=?") {
		return v
	}
	dec := wordDecoder()
	s, err := dec.DecodeHeader(v)
	if err == nil && !strings.Contains(s, "=?") {
		return s
	}
	// A malformed word is left as it is; mended padding may make it whole.
	if fixed := repadWords(v); fixed != v {
		if s2, err2 := dec.DecodeHeader(fixed); err2 == nil {
			return s2
		}
	}
	if err == nil {
		return s
	}
	return v
}

func wordDecoder() *mime.WordDecoder {
	return &mime.WordDecoder{CharsetReader: lenientCharsetReader}
}

// lenientCharsetReader decodes a word in the charset it declares when that
// fits its bytes, and otherwise as toUTF8 detects (an "ISO-2022-JP" word
// holding Shift_JIS is common in Japanese mail).
func lenientCharsetReader(cs string, r io.Reader) (io.Reader, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(toUTF8(b, cs)), nil
}

var bWord = regexp.MustCompile(`=\?([^?\s]+)\?([bB])\?([^?\s]*)\?=`)

// repadWords gives every base64 encoded-word exactly the padding its length
// needs.
func repadWords(v string) string {
	return bWord.ReplaceAllStringFunc(v, func(w string) string {
		m := bWord.FindStringSubmatch(w)
		data := strings.TrimRight(m[3], "=")
		if r := len(data) % 4; r != 0 {
			data += strings.Repeat("=", 4-r)
		}
		return "=?" + m[1] + "?" + m[2] + "?" + data + "?="
	})
}

// headerCharset is the charset the top-level Content-Type declares, the
// likeliest one of undeclared 8-bit bytes in the header.
func headerCharset(h textproto.Header) string {
	_, params := parseParams(h.Get("Content-Type"))
	return params["charset"]
}

// envelopeCharset is the charset for undeclared 8-bit bytes in the fields
// readEnvelope decodes: the declared one, else the one detected over all
// their 8-bit values at once (a name alone is too short to tell).
func envelopeCharset(h textproto.Header) string {
	if cs := headerCharset(h); cs != "" {
		return cs
	}
	var all []byte
	for _, k := range []string{"From", "Reply-To", "To", "Cc", "Subject"} {
		for _, v := range h.Values(k) {
			if !utf8.ValidString(v) {
				all = append(append(all, v...), ' ')
			}
		}
	}
	if len(all) == 0 {
		return ""
	}
	return detectName(all)
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

// languageOf is the first tag of a Content-Language or Accept-Language value
// ("es-MX, en;q=0.8": es) when it names a language of the catalog, else "".
func languageOf(v string) string {
	first, _, _ := strings.Cut(v, ",")
	first, _, _ = strings.Cut(first, ";")
	return lang.Normalize(first)
}
