package ticket

// QueueFilter selects tickets for the agents' queue.
type QueueFilter struct {
	Status    Status // "" = any
	Assignee  string // "me", "unassigned" or "" (all)
	AgentID   int64  // who "me" is
	MailboxID int64  // 0 = any
	Search    string // a ticket number, a customer address, or words of subjects and messages
	Page      int    // from 1
	PerPage   int    // default 50
	// After, when set, lists the tickets after this one in the queue's order
	// instead of a page: a cursor that new tickets (listed before it) never move.
	After *Summary
	// ByWaiting sorts the customers who have waited longest first (those
	// not waiting last); otherwise newest activity first.
	ByWaiting bool
	// Counted, when set, is a page listed earlier under the same filters
	// (status, page and cursor aside): its counts are used, not counted again.
	Counted *QueuePage
}

// QueuePage is one page of the queue with the counts per status.
type QueuePage struct {
	Tickets []Summary
	Total   int
	Counts  map[Status]int
	// Capped says a search matched more than SearchCountCap tickets: the
	// counts are then those among the first SearchCountCap+1 found, each a
	// lower bound.
	Capped bool
}

// SearchCountCap is how many matches a search counts before it says "more":
// a common word is in a tenth of the tickets, and counting them all would
// read them all.
const SearchCountCap = 1000
