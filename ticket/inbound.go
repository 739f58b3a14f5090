package ticket

import (
	"io"
	"time"

	"inboxdesk/lang"
)

// Address is one mailbox of an email header: a display name and an address.
type Address struct {
	Name  string
	Email string // lower-cased by the parser
}

// Attachment is one file carried by a message, decoded.
type Attachment struct {
	Filename    string
	ContentType string // media type without parameters, lower case
	ContentID   string // without angle brackets; set for inline cid: images
	Inline      bool
	Data        []byte
	// Stream, when not nil, stands in for Data (which is then nil): a large
	// attachment is not held in memory beside its mail but decoded again
	// from the raw mail while it is stored.
	Stream *AttachmentStream
}

// AttachmentStream is an attachment's bytes as a reader: Open returns a
// fresh reader of exactly Size bytes whose SHA-256 is SHA256.
type AttachmentStream struct {
	Size   int64
	SHA256 []byte
	Open   func() io.Reader
}

// Inbound is one parsed email, ready to be ingested. Every string field is
// valid UTF-8 without NUL bytes (PostgreSQL text rejects both).
type Inbound struct {
	MessageID  string   // without angle brackets; synthesised from the content when missing
	InReplyTo  []string // Message-IDs without angle brackets
	References []string
	From       Address
	ReplyTo    []Address
	To         []Address
	Cc         []Address
	// DeliveredTo are the addresses mail servers on the way delivered the
	// mail to (Delivered-To, X-Original-To, Envelope-To): among them the
	// support address itself, never a participant.
	DeliveredTo []Address
	Subject     string // decoded (RFC 2047)
	Date        time.Time
	Text        string // plain-text body; derived from HTML when only HTML exists
	HTML        string // HTML body as received (sanitised only when rendered)
	Attachments []Attachment
	ContentHash []byte // sha256 of the raw message
	Size        int    // raw size in bytes
	Language    string // "es", "en" or "" from Content-Language / Accept-Language

	// AutoSubmitted says why the mail was judged machine-generated ("" when a
	// person wrote it): such mail never opens a ticket and never triggers an alert.
	AutoSubmitted string
	// Bounce is set for a delivery status notification (RFC 3464): the
	// Message-IDs of the mails it reports on.
	Bounce *Bounce
	// SenderAuthFailure, when set, is why the operator's mail server found
	// the sender forged (it starts with SenderAuthReason): such mail is held
	// in quarantine until an agent releases it, and never threads.
	SenderAuthFailure string
	// Notes say what of the mail could not be read as sent (a part whose
	// encoding broke off); agents see them beside the message.
	Notes []string

	search   string // the full-text search vector, once Prepare made it
	lang     string // the mail's language (mailLanguage), once Prepare found it
	prepared bool
}

// Prepare does the part of ingesting in that needs no database (building
// its full-text search vector), so that a poller can do it before the
// batch's transaction, beside the database instead of holding it up.
// Calling it is optional: ingest prepares whatever was not.
func (in *Inbound) Prepare() {
	if in.prepared {
		return
	}
	in.search = searchVector(in.Subject, in.Text)
	in.lang = lang.OfMail(in.Language, in.Subject, in.Text)
	in.prepared = true
}

// mailLanguage is the language the mail is written in: its header's, else
// its detected text's (a Gmail mail carries no Content-Language), else "".
func (in *Inbound) mailLanguage() string {
	in.Prepare()
	return in.lang
}

func (in *Inbound) preparedVector() string {
	in.Prepare()
	return in.search
}

// SenderAuthReason starts the quarantine reason of mail whose sender failed
// authentication (DMARC; or DKIM and SPF where the domain has no DMARC).
const SenderAuthReason = "sender authentication failed"

// Bounce describes a delivery status notification.
type Bounce struct {
	OriginalMessageIDs []string // Message-ID of the undelivered mail (from the DSN or its headers)
	Recipient          string   // Final-Recipient, when given
	Status             string   // e.g. "5.1.1"
	Diagnostic         string
}
