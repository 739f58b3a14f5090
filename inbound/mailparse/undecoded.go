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

// knownEncoding: a transfer encoding transferDecoder reads, or an identity
// one (with the mislabels mailers write for it, such as "UTF-8"), which
// needs no reading.
func knownEncoding(enc string) bool {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "", "7bit", "8bit", "binary", "base64", "quoted-printable", "7-bit", "8-bit", "utf-8", "utf8", "none":
		return true
	}
	return false
}

// noteUnknownEncoding says that the current leaf, in a transfer encoding
// nobody defined, is shown as sent.
func (w *walker) noteUnknownEncoding(before int, enc string) {
	w.in.Notes = append(w.in.Notes, fmt.Sprintf("%s is in the unknown transfer encoding %q and is shown as sent",
		w.partName(before), strings.TrimSpace(enc)))
}

// partName names the current leaf for a note: the attachment it became
// (attachments numbered before it came), or the message text.
func (w *walker) partName(before int) string {
	if len(w.in.Attachments) > before {
		return w.in.Attachments[before].Filename
	}
	return "the message text"
}

// keepAsSent attaches the current leaf's bytes as sent, for a part whose
// transfer encoding broke off, and notes it for the agent. before is how
// many attachments there were before the leaf was read: one more means the
// part became an attachment, else it is in the message text.
func (w *walker) keepAsSent(before int, enc string, fault error) {
	raw, _ := io.ReadAll(io.LimitReader(openPart(w.raw, w.lim, w.leaves, false), w.lim.MaxSize))
	name := w.partName(before)
	asSent := SanitizeFilename(name+" (as sent).txt", len(w.in.Attachments)+1, "text/plain")
	w.in.Attachments = append(w.in.Attachments, ticket.Attachment{Filename: asSent, ContentType: "text/plain", Data: raw})
	w.in.Notes = append(w.in.Notes, fmt.Sprintf("%s could not be decoded whole (%s: %v): what was read is shown, the part as sent is attached as %q",
		name, strings.ToLower(strings.TrimSpace(enc)), fault, asSent))
}
