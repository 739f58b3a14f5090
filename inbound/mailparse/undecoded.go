package mailparse

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"

	"inboxdesk/ticket"
)

// faultMemo passes a part's decoded body on and remembers the first fault
// of its transfer encoding. A part cut short by a missing boundary is not
// one: what it holds is whole as far as anyone can tell.
type faultMemo struct {
	r   io.Reader
	err error
}

func (f *faultMemo) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err != nil && f.err == nil && decodingFault(err) {
		f.err = err
	}
	return n, err
}

func decodingFault(err error) bool {
	var b64 base64.CorruptInputError
	return errors.As(err, &b64) || strings.HasPrefix(err.Error(), "quotedprintable:")
}

// keepAsSent attaches the current leaf's bytes as sent, for a part whose
// transfer encoding broke off, and notes it for the agent. before is how
// many attachments there were before the leaf was read: one more means the
// part became an attachment, else it is in the message text.
func (w *walker) keepAsSent(before int, enc string, fault error) {
	raw, _ := io.ReadAll(io.LimitReader(openPart(w.raw, w.lim, w.leaves, false), w.lim.MaxSize))
	name := "the message text"
	if len(w.in.Attachments) > before {
		name = w.in.Attachments[before].Filename
	}
	asSent := SanitizeFilename(name+" (as sent).txt", len(w.in.Attachments)+1, "text/plain")
	w.in.Attachments = append(w.in.Attachments, ticket.Attachment{Filename: asSent, ContentType: "text/plain", Data: raw})
	w.in.Notes = append(w.in.Notes, fmt.Sprintf("%s could not be decoded whole (%s: %v): what was read is shown, the part as sent is attached as %q",
		name, strings.ToLower(strings.TrimSpace(enc)), fault, asSent))
}
