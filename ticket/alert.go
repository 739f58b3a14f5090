package ticket

import (
	"time"
)

// AlertReason says why a customer is told that their ticket changed.
type AlertReason string

const (
	ReasonReceived      AlertReason = "received"       // a new ticket was opened from their mail
	ReasonReplied       AlertReason = "replied"        // the team replied
	ReasonInfoRequested AlertReason = "info_requested" // the team needs more details
	ReasonResolved      AlertReason = "resolved"       // the ticket was resolved
	ReasonLinkRequested AlertReason = "link_requested" // the customer asked for a fresh link (theirs expired)
	ReasonMerged        AlertReason = "merged"         // their ticket was merged into another (the alert's)
)

// AlertState is where an alert is in its delivery.
type AlertState string

const (
	AlertQueued  AlertState = "queued"
	AlertSending AlertState = "sending"
	AlertSent    AlertState = "sent"
	AlertFailed  AlertState = "failed"
	AlertBounced AlertState = "bounced"
)

// AlertJob is one alert claimed for delivery. It carries only what the alert
// may say: never the content of a message.
type AlertJob struct {
	ID           int64
	TicketNumber int64
	Subject      string // the ticket's subject (cleaned, at most 200 characters)
	Recipient    Address
	Channel      string // "email" or "push"
	Reason       AlertReason
	Language     string // "en", "es" or "" (use the configured default)
	MessageID    string // without angle brackets; fixed at enqueue time, so a retry reuses it
	References   string // Message-ID of the ticket's first message, without angle brackets ("" if none)
	Tries        int    // delivery attempts including this one
	CreatedAt    time.Time
	// AgentID is set on a notice to an agent (Recipient is their address):
	// it links to the agent page, never with a customer's token.
	AgentID   int64
	Requester Address // the ticket's customer, named in an agent's notice
}

// AlertWait is how long an alert for reason waits before it is sent, so
// that more updates within window make one alert. The acknowledgement of a
// new ticket waits for nothing: the customer hears at once that their mail
// arrived, and only later updates coalesce.
func AlertWait(reason AlertReason, window time.Duration) time.Duration {
	if reason == ReasonReceived {
		return 0
	}
	return window
}

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

// AlertChannels is which channels a customer with push subscriptions
// wants alerts on. A customer without one gets email whatever it says.
type AlertChannels string

const (
	ChannelsEmail AlertChannels = "email"
	ChannelsPush  AlertChannels = "push"
	ChannelsBoth  AlertChannels = "both"
)

// Valid reports whether c is one of the three choices.
func (c AlertChannels) Valid() bool {
	return c == ChannelsEmail || c == ChannelsPush || c == ChannelsBoth
}

// FreshLinkEvery is how often one address may be sent a fresh link to one
// ticket: asking again sooner sends nothing more.
const FreshLinkEvery = 10 * time.Minute
