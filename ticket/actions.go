package ticket

import (
	"errors"
)

// Post is a message written on the web, by an agent or a customer.
type Post struct {
	TicketID    int64
	Version     int64 // the ticket version the writer saw; 0 skips the stale-write check
	Text        string
	Attachments []Attachment
}

// IsNotFound reports whether err means the thing asked for does not exist (or
// is not the caller's to see).
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
