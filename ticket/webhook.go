package ticket

import (
	"errors"
	"time"
)

// Webhook is a URL that is sent the events it is registered for.
type Webhook struct {
	ID        int64
	URL       string
	Events    []string
	Secret    string // whsec_…, the key deliveries are signed with
	CreatedAt time.Time
}

// WebhookDelivery is one queued or finished delivery, with the last answer.
type WebhookDelivery struct {
	ID           int64
	WebhookID    int64
	Event        string
	State        string // queued, delivered, failed
	Tries        int
	LastStatus   int
	LastResponse string
	LastError    string
	CreatedAt    time.Time
	DeliveredAt  *time.Time
}

// WebhookJob is a claimed delivery for the sender.
type WebhookJob struct {
	ID      int64
	Tries   int // including this one
	URL     string
	Secret  string
	Payload []byte
}

// ErrBadEvents is AddWebhook's answer for no events or an unknown one.
var ErrBadEvents = errors.New("webhook events")

// WebhookResult is what one attempt got back.
type WebhookResult struct {
	Status   int    // HTTP status (0 when none came)
	Response string // the start of the answer's body
	Err      string // why the attempt failed, if it did
	// Retry, when above zero, queues the delivery again after this long;
	// zero with Err set marks it failed for good.
	Retry time.Duration
}
