// Package mailparse turns the raw bytes of one RFC 5322 message into a
// ticket.Inbound: decoded headers, the text and HTML bodies, attachments,
// threading keys, loop (auto-submitted) detection and delivery status
// notifications.
//
// Parsing is lenient: a message a person can still read is parsed, however
// broken its MIME structure. It fails, with an *Error whose Reason can be
// shown to agents next to the quarantined message, only when a limit is
// exceeded or nothing sensible can be extracted.
package mailparse

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/emersion/go-message"

	"inboxdesk/ticket"
)

// Limits bound the work one message may cause. A zero or negative field takes
// its value from DefaultLimits; MaxDepth above 100 counts as 100.
type Limits struct {
	MaxSize        int64 // raw message bytes
	MaxDepth       int   // MIME nesting levels below the top-level entity
	MaxParts       int   // MIME entities in total, containers included
	MaxHeaderBytes int   // bytes of one header block
}

// DefaultLimits returns limits generous enough for real mail.
func DefaultLimits() Limits {
	return Limits{MaxSize: 64 << 20, MaxDepth: 20, MaxParts: 500, MaxHeaderBytes: 256 << 10}
}

// maxDepthCeiling caps MaxDepth whatever the caller asks: go-message nests one
// reader per MIME level, so the cost of reading a part grows with its depth.
const maxDepthCeiling = 100

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxSize <= 0 {
		l.MaxSize = d.MaxSize
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	l.MaxDepth = min(l.MaxDepth, maxDepthCeiling)
	if l.MaxParts <= 0 {
		l.MaxParts = d.MaxParts
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	return l
}

// Errors wrapped by *Error, for callers that count rejections by kind.
var (
	ErrTooLarge       = errors.New("message too large")
	ErrHeaderTooLarge = errors.New("header too large")
	ErrTooDeep        = errors.New("MIME nesting too deep")
	ErrTooManyParts   = errors.New("too many MIME parts")
	ErrMalformed      = errors.New("malformed message")
	ErrInternal       = errors.New("internal parser error")
)

// Error is a message that could not be parsed. Reason is short and readable
// by agents in the quarantine list.
type Error struct {
	Reason string
	Err    error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return "mailparse: " + e.Reason
	}
	return "mailparse: " + e.Reason + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Parse parses one message. On failure it returns an *Error. It never panics:
// a bug reached by some input is returned as an *Error wrapping ErrInternal
// so that the message is quarantined instead of stopping the poller.
func Parse(raw []byte, lim Limits) (in *ticket.Inbound, err error) {
	defer func() {
		if r := recover(); r != nil {
			in, err = nil, &Error{Reason: "internal parser error", Err: fmt.Errorf("%w: %v", ErrInternal, r)}
		}
	}()
	lim = lim.withDefaults()
	if int64(len(raw)) > lim.MaxSize {
		return nil, &Error{Reason: fmt.Sprintf("message is %s, larger than the %s limit",
			byteSize(int64(len(raw))), byteSize(lim.MaxSize)), Err: ErrTooLarge}
	}
	return parse(raw, lim)
}

func parse(raw []byte, lim Limits) (*ticket.Inbound, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, &Error{Reason: "empty message", Err: ErrMalformed}
	}
	blk, err := splitHeader(raw, lim.MaxHeaderBytes)
	if err != nil {
		return nil, err
	}
	if blk.header.Len() == 0 {
		return nil, &Error{Reason: "no mail header found", Err: ErrMalformed}
	}
	in := newInbound(raw, blk)
	readEnvelope(in, blk.header)
	if !blk.separated && in.From.Email == "" {
		return nil, &Error{Reason: "no header/body separation and no sender", Err: ErrMalformed}
	}
	root, w := rootWalker(raw, blk, lim, in, true)
	if err := w.walk(root); err != nil {
		return nil, err
	}
	w.finish()
	in.AutoSubmitted = autoReason(blk.header, in.From, w.report)
	cleanInbound(in)
	return in, nil
}

// rootWalker returns the top-level entity of a mail split into blk and a
// walker over it.
// Without decode, leaves keep their bytes as sent.
func rootWalker(raw []byte, blk headerBlock, lim Limits, in *ticket.Inbound, decode bool) (*message.Entity, *walker) {
	body := bytes.NewReader(blk.body)
	root := newEntity(blk.header, body, decode)
	w := newWalker(lim, in)
	w.asSent = !decode
	w.charset = headerCharset(blk.header)
	w.unread, w.raw = body, raw
	return root, w
}

// errExtracted stops a walk that reached the part openPart wants.
var errExtracted = errors.New("part extracted")

// openPart parses raw again and returns the body of its nth leaf part
// (counted as the walk visits them), decoded for a streamed attachment or as
// sent for one that could not be decoded. A decoding fault ends the stream
// where it ended the first reading.
func openPart(raw []byte, lim Limits, n int, decode bool) io.Reader {
	blk, err := splitHeader(raw, lim.MaxHeaderBytes)
	if err != nil {
		return errReader{err}
	}
	root, w := rootWalker(raw, blk, lim, &ticket.Inbound{}, decode)
	w.extract = n
	if err := w.walk(root); !errors.Is(err, errExtracted) {
		return errReader{fmt.Errorf("mailparse: part %d not found on second reading (%v)", n, err)}
	}
	return endOnError{w.extracted}
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// endOnError turns a read error into the end of the stream.
type endOnError struct{ r io.Reader }

func (e endOnError) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil {
		err = io.EOF
	}
	return n, err
}

func newInbound(raw []byte, blk headerBlock) *ticket.Inbound {
	return &ticket.Inbound{ContentHash: contentHash(blk), Size: len(raw)}
}

// syntheticMessageID gives a message without Message-ID a stable identity, so
// that fetching it twice (e.g. after UIDVALIDITY changed) deduplicates.
func syntheticMessageID(hash []byte) string {
	return hex.EncodeToString(hash)[:32] + "@inboxdesk.invalid"
}

// byteSize formats n for people: "64 MiB", "2.5 KiB", "12 bytes".
func byteSize(n int64) string {
	unit, div := "bytes", int64(1)
	switch {
	case n >= 1<<20:
		unit, div = "MiB", 1<<20
	case n >= 1<<10:
		unit, div = "KiB", 1<<10
	}
	if n%div == 0 {
		return fmt.Sprintf("%d %s", n/div, unit)
	}
	return fmt.Sprintf("%.1f %s", float64(n)/float64(div), unit)
}
