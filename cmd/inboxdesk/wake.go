package main

import (
	"inboxdesk/inbound"
	"inboxdesk/ticket"
)

// wakeOnNewTickets passes what polls do on to an observer (metrics) and
// wakes the alert sender when a batch opened tickets: their
// acknowledgements are due at once, not at the sender's next look.
type wakeOnNewTickets struct {
	inbound.Observer
	wake func()
}

func (w wakeOnNewTickets) Batch(mailbox string, results []ticket.Result) {
	w.Observer.Batch(mailbox, results)
	for _, r := range results {
		if r.Outcome == ticket.OutcomeNewTicket {
			w.wake()
			return
		}
	}
}
