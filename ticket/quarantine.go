package ticket

import (
	"time"
)

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
