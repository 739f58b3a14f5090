package ticket

// Post is a message written on the web, by an agent or a customer.
type Post struct {
	TicketID    int64
	Version     int64 // the ticket version the writer saw; 0 skips the stale-write check
	Text        string
	Attachments []Attachment
}
