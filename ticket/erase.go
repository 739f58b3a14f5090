package ticket

// Erased counts what an erasure removed or anonymised. Ticket and message
// rows stay (emptied), so the team's counts and reports keep adding up.
type Erased struct {
	Tickets       int // tickets whose subject, messages and events were emptied
	Messages      int // messages emptied (the customer's, and every message of their tickets)
	Attachments   int // attachments deleted
	Quarantined   int // held raw mails that named the address, deleted
	Alerts        int // alerts to the address or on the tickets, deleted
	Subscriptions int // push subscriptions deleted
	Sessions      int // sign-in sessions deleted
	Codes         int // sign-in codes, sends and failures deleted
	Webhooks      int // queued or delivered webhook payloads about the tickets, deleted
}
