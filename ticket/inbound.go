package ticket

import (
	"inboxdesk/lang"
	"io"
	"time"
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
	in.search = SearchVector(in.Subject, in.Text)
	in.lang = lang.OfMail(in.Language, in.Subject, in.Text)
	in.prepared = true
}

// MailLanguage is the language the mail is written in: its header's, else
// its detected text's (a Gmail mail carries no Content-Language), else "".
func (in *Inbound) MailLanguage() string {
	in.Prepare()
	return in.lang
}

// PreparedVector is the mail's full-text search vector (SearchVector).
func (in *Inbound) PreparedVector() string {
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

// Checkpoint is where a mailbox's ingest stands: the IMAP UIDVALIDITY and the
// highest UID whose message is committed.
type Checkpoint struct {
	MailboxID   int64
	UIDValidity uint32
	LastUID     uint32
}

// Mail is one fetched message for IngestBatch: parsed, or with the reason it
// could not be parsed (then it is quarantined with its raw bytes).
type Mail struct {
	UID         uint32
	Raw         []byte
	Parsed      *Inbound
	ParseReason string // set when Parsed is nil
	// HeadersOnly says Raw is the header alone (the mail was over the size
	// limit and was not downloaded); it is quarantined and cannot be retried.
	HeadersOnly bool
	// Released says an agent released the mail from the quarantine it was
	// held in for failing sender authentication: it opens a new ticket,
	// never threading into an existing one.
	Released bool
}

// Outcome says what became of one ingested mail.
type Outcome string

const (
	OutcomeNewTicket   Outcome = "new_ticket"
	OutcomeThreaded    Outcome = "threaded"
	OutcomeReopened    Outcome = "reopened"
	OutcomeDuplicate   Outcome = "duplicate"
	OutcomeQuarantined Outcome = "quarantined"
	OutcomeBounce      Outcome = "bounce"
	OutcomeAutoLogged  Outcome = "auto_logged" // machine mail recorded on its ticket
	OutcomeThirdParty  Outcome = "third_party" // mail from a non-participant recorded for agents only
)

// Result is the outcome of one mail of a batch.
type Result struct {
	UID     uint32
	Outcome Outcome
	Ticket  int64 // ticket number, when one was touched
	Reason  string
}

// Quarantined is a mail that could not be ingested, held with the reason.
type Quarantined struct {
	ID        int64
	MailboxID int64
	UID       int64
	Reason    string
	Size      int
	State     string // held, retried, discarded
	CreatedAt time.Time
	// HeadersOnly marks a mail held with its header alone (over the size
	// limit); the whole mail is on the mail server, and retry is refused.
	HeadersOnly bool
	// Head is the start of the raw mail (its header, cut at HeadBytes), to
	// show who sent it and its subject.
	Head []byte
}

// HeadBytes is how much of a held mail QuarantineList returns in Head.
const HeadBytes = 16 << 10

// Mailbox is an IMAP folder inboxdesk polls for support mail.
type Mailbox struct {
	ID              int64
	Name            string
	URL             string // imap[s]://user:pass@host:port/folder — holds a password: never log it
	Schedule        string // robfig/cron spec
	ProcessedFolder string // move mail here after commit ("" = leave it)
	MarkSeen        bool   // set \Seen after commit
	Checkpoint      Checkpoint
	LastPollAt      time.Time
	LastError       string
	Backlog         Backlog
	// Grant names the OAuth2 grant the URL signs in with (its ?oauth=NAME);
	// GrantBroken is why the provider refused that grant ("" while it works).
	Grant       string
	GrantBroken string
}

// Backlog is what the last poll that reached the server left there: UIDs
// above the checkpoint, and whether that has stopped shrinking.
type Backlog struct {
	UIDs         int64     // the server's highest UID minus the checkpoint's
	OldestAt     time.Time // arrival of the oldest mail not ingested (zero: none)
	Polls        int       // polls in a row that left it no smaller (0 when none is left)
	StalledSince time.Time // set once Polls reached the poller's limit (zero: moving)
}

// LoopHeader marks mail sent by inboxdesk; its value is the configured
// domain. The composer puts it on every mail we send and the parser treats
// inbound mail carrying it as auto-submitted, so that we never answer our
// own mail (DESIGN.md, promise 4).
const LoopHeader = "X-Inboxdesk-Loop"
