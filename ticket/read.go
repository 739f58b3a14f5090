package ticket

import (
	"time"
)

// AttachmentFile is an attachment with its bytes and the ticket it belongs to,
// so the caller can check who may download it.
type AttachmentFile struct {
	AttachmentInfo
	TicketID int64
	Internal bool // on an internal note: agents only
	Data     []byte
}

// Summary is one row of a ticket list.
type Summary struct {
	ID             int64
	Number         int64
	Subject        string
	Status         Status
	RequesterEmail string
	AssigneeName   string
	UpdatedAt      time.Time
	// Queue signals (set by Queue only): the customer's name; since when
	// the customer has waited (their last message came after the team's
	// last public answer; zero when not waiting); whether they wrote since
	// the viewing agent last opened the ticket.
	RequesterName string
	WaitingSince  time.Time
	Unread        bool
}

// Event is one entry of a ticket's audit trail.
type Event struct {
	ID        int64
	Kind      string
	Actor     Actor
	Detail    map[string]any
	CreatedAt time.Time
}

// Customer is a person who writes to support.
type Customer struct {
	ID       int64
	Email    string
	Name     string
	Language string
}
