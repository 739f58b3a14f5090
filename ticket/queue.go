package ticket

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// QueueFilter selects tickets for the agents' queue.
type QueueFilter struct {
	Status    Status // "" = any
	Assignee  string // "me", "unassigned" or "" (all)
	AgentID   int64  // who "me" is
	MailboxID int64  // 0 = any
	Search    string // a ticket number, a customer address, or words of subjects and messages
	Page      int    // from 1
	PerPage   int    // default 50
}

// QueuePage is one page of the queue with the counts per status.
type QueuePage struct {
	Tickets []Summary
	Total   int
	Counts  map[Status]int
}

// Queue lists tickets for agents, newest activity first.
func (s *Store) Queue(ctx context.Context, f QueueFilter) (*QueuePage, error) {
	where, args := queueWhere(f)
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	f.Page = max(f.Page, 1)
	page := &QueuePage{Counts: map[Status]int{}}
	statusArgs := append([]any{}, args...)
	// Without a search the counts are read from ticket_counts (kept by the
	// writes to tickets); a search counts its matches.
	counts := `SELECT t.status, count(*) FROM tickets t WHERE ` + where.withoutStatus + ` GROUP BY t.status`
	if !where.search {
		counts = `SELECT t.status, sum(t.n)::bigint FROM ticket_counts t WHERE ` + where.counts +
			` GROUP BY t.status HAVING sum(t.n) <> 0`
	}
	rows, err := s.pool.Query(ctx, counts, statusArgs...)
	if err != nil {
		return nil, fmt.Errorf("queue counts: %w", err)
	}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return nil, err
		}
		page.Counts[Status(st)] = n
		if f.Status == "" || Status(st) == f.Status {
			page.Total += n
		}
	}
	rows.Close()
	if f.Status != "" {
		args = append(args, string(f.Status))
		where.all += " AND t.status = $" + strconv.Itoa(len(args))
	}
	args = append(args, f.PerPage, (f.Page-1)*f.PerPage)
	// The page's tickets are found first and only they are joined to their
	// customers and assignees: a page deep in the queue skips its offset in
	// the index alone.
	page.Tickets, err = s.summaries(ctx, `WHERE t.id IN (SELECT t.id FROM tickets t WHERE `+where.all+
		` ORDER BY t.updated_at DESC, t.id DESC LIMIT $`+strconv.Itoa(len(args)-1)+` OFFSET $`+strconv.Itoa(len(args))+
		`) ORDER BY t.updated_at DESC, t.id DESC`, args...)
	return page, err
}

type queueClauses struct {
	all, withoutStatus string
	counts             string // the filters on ticket_counts, when there is no search
	search             bool
}

func queueWhere(f QueueFilter) (queueClauses, []any) {
	conds, countConds := []string{"true"}, []string{"true"}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	switch f.Assignee {
	case "me":
		conds = append(conds, "t.assignee_id = "+arg(f.AgentID))
		countConds = append(countConds, "t.assignee_id = $"+strconv.Itoa(len(args)))
	case "unassigned":
		conds = append(conds, "t.assignee_id IS NULL")
		countConds = append(countConds, "t.assignee_id = 0")
	}
	if f.MailboxID != 0 {
		conds = append(conds, "t.mailbox_id = "+arg(f.MailboxID))
		countConds = append(countConds, "t.mailbox_id = $"+strconv.Itoa(len(args)))
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		conds = append(conds, searchClause(q, arg))
	}
	c := strings.Join(conds, " AND ")
	return queueClauses{all: c, withoutStatus: c, counts: strings.Join(countConds, " AND "),
		search: len(conds) > len(countConds)}, args
}

// searchClause matches a ticket number, a customer address (or part of it),
// or every word in the subject or any message (full-text, prefix matching).
// "#12345" is only a ticket number; a bare number is also a word (an order
// or invoice number the customer wrote). Each alternative is a set of
// tickets found by its own index, gathered into an array first (the planner
// cannot tell how few a full-text match finds and would read every ticket).
func searchClause(q string, arg func(any) string) string {
	if n, err := strconv.ParseInt(strings.TrimPrefix(q, "#"), 10, 64); err == nil {
		if strings.HasPrefix(q, "#") {
			return "t.number = " + arg(n)
		}
		return "t.id = ANY (ARRAY(SELECT n.id FROM tickets n WHERE n.number = " + arg(n) + " UNION " + wordsTickets(q, arg) + "))"
	}
	like := arg("%" + escapeLike(strings.ToLower(q)) + "%")
	if strings.Contains(q, "@") {
		return "t.requester_id = ANY (ARRAY(SELECT c.id FROM customers c WHERE c.email ILIKE " + like + "))"
	}
	// Words of the conversation, or part of the customer's name or address.
	return "t.id = ANY (ARRAY(" + wordsTickets(q, arg) + " UNION SELECT n.id FROM tickets n JOIN customers c ON c.id = n.requester_id" +
		" WHERE c.name ILIKE " + like + " OR c.email ILIKE " + like + "))"
}

// wordsTickets selects the tickets with a message holding every word of q.
func wordsTickets(q string, arg func(any) string) string {
	tsq := searchQuery(q)
	if tsq == "" {
		return "SELECT NULL::bigint WHERE false"
	}
	return `SELECT m.ticket_id FROM messages m WHERE m.search @@ ` + arg(tsq) + `::tsquery`
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// OtherTickets lists a customer's tickets except one, for the agent's sidebar.
func (s *Store) OtherTickets(ctx context.Context, customerID, exceptID int64) ([]Summary, error) {
	return s.summaries(ctx, `WHERE t.requester_id = $1 AND t.id <> $2 ORDER BY t.updated_at DESC LIMIT 20`,
		customerID, exceptID)
}
