package ticket

import (
	"time"
)

// Alert is an alert as agents see it on a ticket.
type Alert struct {
	ID        int64
	Recipient string
	Channel   string
	Reason    AlertReason
	MessageID string
	State     AlertState
	Tries     int
	LastError string
	CreatedAt time.Time
	SentAt    time.Time
}
