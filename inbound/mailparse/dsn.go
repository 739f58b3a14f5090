package mailparse

import (
	"strings"

	"github.com/emersion/go-message/textproto"

	"inboxdesk/ticket"
)

// report collects what a multipart/report says (RFC 6522); for a delivery
// status notification (RFC 3464) that is which of our mails bounced and why.
type report struct {
	kind string // report-type of the first multipart/report, lower case
	dsn  bool

	ids       []string // Original-Envelope-Id and Message-IDs of the original
	recipient string
	status    string
	diag      string
	chosen    bool   // a recipient was read
	failed    bool   // the chosen recipient's Action is "failed"
	action    string // the chosen recipient's Action, lower case
}

// notDeliveryFailure reports whether the report only tells of progress: its
// recipient was delayed (a warning; the MTA keeps trying), delivered,
// relayed or expanded. That is no bounce.
func (r *report) notDeliveryFailure() bool {
	switch r.action {
	case "delayed", "delivered", "relayed", "expanded":
		return r.chosen && !r.failed
	}
	return false
}

func (r *report) note(media string, params map[string]string) {
	if media != "multipart/report" || r.kind != "" {
		return
	}
	r.kind = strings.ToLower(strings.TrimSpace(params["report-type"]))
	if r.kind == "" {
		r.kind = "unspecified"
	}
	r.dsn = r.kind == "delivery-status"
}

// read takes the DSN details from the parts of a delivery report.
func (r *report) read(media string, data []byte, maxHeader int) {
	if !r.dsn {
		return
	}
	switch media {
	case "message/delivery-status", "message/global-delivery-status":
		r.readStatus(data, maxHeader)
	case "message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers":
		r.readOriginal(data, maxHeader)
	}
}

// maxStatusBlocks bounds the recipient blocks read from one DSN; the first
// failed recipient is all a bounce records.
const maxStatusBlocks = 1000

// readStatus reads the per-message block and the per-recipient blocks, which
// are header-like fields separated by blank lines.
func (r *report) readStatus(data []byte, maxHeader int) {
	for i := 0; len(data) > 0 && i < maxStatusBlocks; i++ {
		blk, err := splitFields(data, maxHeader, false)
		if err != nil {
			return
		}
		r.readFields(blk.header)
		if len(blk.body) == len(data) {
			// Not a field: skip the junk line so that the loop advances.
			_, blk.body = cutLine(data)
		}
		data = blk.body
	}
}

func (r *report) readFields(h textproto.Header) {
	if v := h.Get("Original-Envelope-Id"); v != "" {
		if id := firstID(v); id != "" {
			r.ids = append(r.ids, id)
		} else if id := cleanID(v); id != "" {
			r.ids = append(r.ids, id)
		}
	}
	if !h.Has("Final-Recipient") && !h.Has("Status") {
		return
	}
	// The first failed recipient is the one to report; others were delayed
	// or delivered.
	action := strings.ToLower(firstWord(h.Get("Action")))
	failed := action == "failed"
	if r.chosen && (r.failed || !failed) {
		return
	}
	r.chosen, r.failed, r.action = true, failed, action
	r.recipient = strings.ToLower(typedValue(h.Get("Final-Recipient")))
	r.status = firstWord(h.Get("Status"))
	r.diag = typedValue(h.Get("Diagnostic-Code"))
}

// readOriginal reads the Message-ID of the returned mail's header.
func (r *report) readOriginal(data []byte, maxHeader int) {
	blk, err := splitHeader(data, maxHeader)
	if err != nil {
		return
	}
	if id := firstID(blk.header.Get("Message-Id")); id != "" {
		r.ids = append(r.ids, id)
	}
}

func (r *report) bounce() *ticket.Bounce {
	return &ticket.Bounce{
		OriginalMessageIDs: dedupe(r.ids),
		Recipient:          r.recipient,
		Status:             r.status,
		Diagnostic:         r.diag,
	}
}

// typedValue strips the type of "rfc822; user@example.com" or
// "smtp; 550 5.1.1 unknown user".
func typedValue(v string) string {
	if typ, rest, ok := strings.Cut(v, ";"); ok && !strings.ContainsAny(strings.TrimSpace(typ), " \t") {
		v = rest
	}
	return strings.TrimSpace(v)
}

func firstWord(v string) string {
	if f := strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '\t' || r == ';' || r == '(' }); len(f) > 0 {
		return f[0]
	}
	return ""
}
