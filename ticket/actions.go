package ticket

// Post is a message written on the web, by an agent or a customer.
type Post struct {
	TicketID    int64
	Version     int64 // the ticket version the writer saw; 0 skips the stale-write check
	Text        string
	Attachments []Attachment
}

// AgentAction is what an agent does to a ticket from the web view.
type AgentAction string

const (
	ActReply       AgentAction = "reply"        // public reply; customer alerted
	ActNote        AgentAction = "note"         // internal note; nobody alerted
	ActRequestInfo AgentAction = "request_info" // public reply asking for details; status pending
	ActResolve     AgentAction = "resolve"      // status resolved (optional public reply)
	ActReopen      AgentAction = "reopen"       // status open
)
