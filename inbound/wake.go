package inbound

import (
	"time"

	"inboxdesk/ticket"
)

// WakeOnNewTickets passes what polls do on to Observer (metrics, say) and
// calls Wake when a batch opened tickets: their acknowledgements are due at
// once, so the alert sender should not wait for its next look at the queue.
type WakeOnNewTickets struct {
	Observer
	Wake func()
}

// Batch implements Observer.
func (w WakeOnNewTickets) Batch(mailbox string, results []ticket.Result) {
	if w.Observer != nil {
		w.Observer.Batch(mailbox, results)
	}
	for _, r := range results {
		if r.Outcome == ticket.OutcomeNewTicket {
			w.Wake()
			return
		}
	}
}

// Poll implements Observer.
func (w WakeOnNewTickets) Poll(mailbox string, took, lag time.Duration, err error) {
	if w.Observer != nil {
		w.Observer.Poll(mailbox, took, lag, err)
	}
}
