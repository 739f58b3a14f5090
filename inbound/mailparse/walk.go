package mailparse

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"

	"inboxdesk/ticket"
)

// walker visits the MIME tree depth first with an explicit stack, so that
// neither deep nesting nor many parts can grow the goroutine stack, and checks
// the limits before reading each part.
type walker struct {
	lim    Limits
	unread *bytes.Reader // the message body, for sizing attachment buffers; may be nil
	raw    []byte        // the whole message, for streamed attachments

	leaves    int       // leaf parts visited so far
	extract   int       // when > 0, stop at this leaf (openPart) ...
	extracted io.Reader // ... and keep its decoded body here
	asSent    bool      // ... or its body as sent, not decoded
	charset   string    // the top-level Content-Type's, a hint for undeclared 8-bit text
	in        *ticket.Inbound
	parts     int
	stack     []*frame
	body      []bodyPart
	frames    int // multiparts opened so far, to number them
	report    report
}

// frame is one open multipart entity.
type frame struct {
	media   string // multipart/mixed, multipart/alternative, ...
	enc     string // the Content-Transfer-Encoding it declares (against RFC 2045)
	id      int
	mr      *textproto.MultipartReader
	rec     *preambleRecorder
	depth   int
	parts   int
	retried bool // already re-read with a guessed boundary
}

func newWalker(lim Limits, in *ticket.Inbound) *walker {
	return &walker{lim: lim, in: in}
}

func (w *walker) walk(root *message.Entity) error {
	if err := w.visit(root, 0); err != nil {
		return err
	}
	for len(w.stack) > 0 {
		if err := w.step(); err != nil {
			return err
		}
	}
	return nil
}

// step reads the next part of the innermost open multipart.
func (w *walker) step() error {
	top := w.stack[len(w.stack)-1]
	p, err := top.mr.NextPart()
	if err != nil {
		// End, or a broken structure: keep what was read so far.
		w.stack = w.stack[:len(w.stack)-1]
		if top.parts == 0 {
			w.salvage(top)
		}
		return nil
	}
	top.parts++
	top.rec.stop()
	return w.visit(newEntity(p.Header, p, !w.asSent), top.depth+1)
}

func (w *walker) visit(e *message.Entity, depth int) error {
	if depth > w.lim.MaxDepth {
		return &Error{Reason: fmt.Sprintf("MIME nesting deeper than %d levels", w.lim.MaxDepth), Err: ErrTooDeep}
	}
	if w.parts++; w.parts > w.lim.MaxParts {
		return &Error{Reason: fmt.Sprintf("more than %d MIME parts", w.lim.MaxParts), Err: ErrTooManyParts}
	}
	if headerSize(e.Header.Header) > w.lim.MaxHeaderBytes {
		return &Error{Reason: fmt.Sprintf("MIME part header larger than %s",
			byteSize(int64(w.lim.MaxHeaderBytes))), Err: ErrHeaderTooLarge}
	}
	media, params := parseParams(e.Header.Get("Content-Type"))
	if !strings.HasPrefix(media, "multipart/") {
		return w.leaf(e, depth)
	}
	w.report.note(media, params)
	rec := &preambleRecorder{r: e.Body}
	w.frames++
	w.stack = append(w.stack, &frame{media: media, enc: e.Header.Get("Content-Transfer-Encoding"), id: w.frames, mr: textproto.NewMultipartReader(rec, params["boundary"]), rec: rec, depth: depth})
	return nil
}

// salvage handles a multipart in which no part was found. Its boundary is
// usually misdeclared, so the first "--" line is tried as the boundary once;
// failing that the body is shown as text, as a mail reader would.
func (w *walker) salvage(f *frame) {
	_, _ = io.Copy(io.Discard, f.rec)
	data := f.rec.buf
	if b := guessBoundary(data); b != "" && !f.retried {
		rec := &preambleRecorder{r: bytes.NewReader(data)}
		w.stack = append(w.stack, &frame{media: f.media, enc: f.enc, id: f.id, mr: textproto.NewMultipartReader(rec, b), rec: rec, depth: f.depth, retried: true})
		return
	}
	if len(bytes.TrimSpace(data)) > 0 && !slices.ContainsFunc(w.body, func(b bodyPart) bool { return !b.html }) {
		// A multipart without parts that declares an encoding is a single
		// text so encoded.
		if dec, err := io.ReadAll(transferDecoder(f.enc, bytes.NewReader(data))); err == nil {
			data = dec
		}
		w.body = append(w.body, bodyPart{content: string(toUTF8(data, w.charset))})
	}
}

// guessBoundary returns the boundary of the first delimiter-looking line.
func guessBoundary(data []byte) string {
	for len(data) > 0 {
		var line []byte
		line, data = cutLine(data)
		if !bytes.HasPrefix(line, []byte("--")) {
			continue
		}
		b := strings.TrimRight(string(line[2:]), " \t\r\n")
		b = strings.TrimSuffix(b, "--")
		if b != "" && len(b) <= 200 {
			return b
		}
	}
	return ""
}

// preambleRecorder keeps what a multipart reader reads until its first part
// appears, for salvage. Only the innermost open multipart can still be
// recording, so memory stays within the message size.
type preambleRecorder struct {
	r    io.Reader
	buf  []byte
	done bool
}

func (p *preambleRecorder) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if !p.done {
		p.buf = append(p.buf, b[:n]...)
	}
	return n, err
}

func (p *preambleRecorder) stop() {
	p.done, p.buf = true, nil
}

// finish derives what needs the whole tree.
func (w *walker) finish() {
	w.assembleBody()
	// Plain text is shown and quoted by us: one line-ending convention.
	w.in.Text = strings.ReplaceAll(w.in.Text, "\r\n", "\n")
	if strings.TrimSpace(w.in.Text) == "" && w.in.HTML != "" {
		w.in.Text = htmlToText(w.in.HTML)
	}
	// A delay warning or a success notice is still a machine's mail (it never
	// opens a ticket) but not a bounce: the alert was not refused.
	if w.report.dsn && !w.report.notDeliveryFailure() {
		w.in.Bounce = w.report.bounce()
	}
}
