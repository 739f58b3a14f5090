package storage

import (
	"inboxdesk/ticket"

	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Queue lists tickets for agents, newest activity first.
func (s *Store) Queue(ctx context.Context, f ticket.QueueFilter) (*ticket.QueuePage, error) {
	where, args := queueWhere(f)
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	f.Page = max(f.Page, 1)
	page := &ticket.QueuePage{}
	var err error
	if f.Counted != nil {
		page.Counts, page.Capped = f.Counted.Counts, f.Counted.Capped
	} else if page.Counts, err = s.queueCounts(ctx, where, args); err != nil {
		return nil, err
	}
	found := 0
	for st, n := range page.Counts {
		found += n
		if f.Status == "" || st == f.Status {
			page.Total += n
		}
	}
	page.Capped = page.Capped || where.search && found > ticket.SearchCountCap
	if f.Status != "" {
		args = append(args, string(f.Status))
		where.all += " AND t.status = $" + strconv.Itoa(len(args))
	}
	if f.After != nil {
		args = append(args, f.After.UpdatedAt, f.After.ID)
		where.all += " AND (t.updated_at, t.id) < ($" + strconv.Itoa(len(args)-1) + ", $" + strconv.Itoa(len(args)) + ")"
		f.Page = 1
	}
	args = append(args, f.AgentID, f.PerPage, (f.Page-1)*f.PerPage)
	n := len(args)
	agent, limit := `$`+strconv.Itoa(n-2), ` LIMIT $`+strconv.Itoa(n-1)+` OFFSET $`+strconv.Itoa(n)
	if f.ByWaiting && f.After == nil { // a cursor follows the newest-first order
		page.Tickets, err = s.queueSummaries(ctx, agent, `WHERE `+where.all+` ORDER BY waiting ASC NULLS LAST, t.id`+limit, args...)
		return page, err
	}
	// The page's tickets are found first and only they are joined to their
	// customers and assignees: a page deep in the queue skips its offset in
	// the index alone.
	page.Tickets, err = s.queueSummaries(ctx, agent, `WHERE t.id IN (SELECT t.id FROM tickets t WHERE `+where.all+
		` ORDER BY t.updated_at DESC, t.id DESC`+limit+`) ORDER BY t.updated_at DESC, t.id DESC`, args...)
	return page, err
}

// queueCounts counts the tickets per status under the filters of where
// (status aside). Without a search they are read from ticket_counts (kept by
// the writes to tickets); a search counts its matches, up to SearchCountCap+1.
func (s *Store) queueCounts(ctx context.Context, where queueClauses, args []any) (map[ticket.Status]int, error) {
	counts := `SELECT t.status, count(*) FROM (SELECT t.status FROM tickets t WHERE ` + where.withoutStatus +
		` LIMIT ` + strconv.Itoa(ticket.SearchCountCap+1) + `) t GROUP BY t.status`
	if !where.search {
		counts = `SELECT t.status, sum(t.n)::bigint FROM ticket_counts t WHERE ` + where.counts +
			` GROUP BY t.status HAVING sum(t.n) <> 0`
	}
	rows, err := s.pool.Query(ctx, counts, args...)
	if err != nil {
		return nil, fmt.Errorf("queue counts: %w", err)
	}
	out := map[ticket.Status]int{}
	var st string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&st, &n}, func() error {
		out[ticket.Status(st)] = n
		return nil
	})
	return out, err
}

// queueSummaries lists tickets with the queue's signals for the agent whose
// id is the placeholder agent.
func (s *Store) queueSummaries(ctx context.Context, agent, where string, args ...any) ([]ticket.Summary, error) {
	rows, err := s.pool.Query(ctx, `SELECT t.id, t.number, t.subject, t.status, c.email,
			coalesce(a.name, ''), t.updated_at, c.name,
			CASE WHEN t.last_customer_at > coalesce((SELECT max(m.created_at) FROM messages m
				WHERE m.ticket_id = t.id AND m.author_kind = 'agent' AND NOT m.internal), '-infinity')
				THEN t.last_customer_at END AS waiting,
			coalesce(t.last_customer_at > coalesce((SELECT r.seen_at FROM agent_ticket_reads r
				WHERE r.agent_id = `+agent+` AND r.ticket_id = t.id), '-infinity'), false)
		`+ticketFrom+` `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ticket.Summary, error) {
		var x ticket.Summary
		var status string
		var waiting *time.Time
		err := r.Scan(&x.ID, &x.Number, &x.Subject, &status, &x.RequesterEmail, &x.AssigneeName, &x.UpdatedAt,
			&x.RequesterName, &waiting, &x.Unread)
		x.Status, x.WaitingSince = ticket.Status(status), nullTime(waiting)
		return x, err
	})
}

// MarkSeen records that the agent has the ticket's page open now: what the
// customer wrote until now is read for them. When it is read already, as on
// every view but the first after the customer wrote, nothing is written: a
// page view then takes no row lock and waits for no commit to reach disk.
func (s *Store) MarkSeen(ctx context.Context, agentID, ticketID int64) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO agent_ticket_reads (agent_id, ticket_id, seen_at)
		SELECT $1, $2, now() WHERE NOT EXISTS (SELECT 1 FROM agent_ticket_reads r JOIN tickets t ON t.id = r.ticket_id
			WHERE r.agent_id = $1 AND r.ticket_id = $2 AND r.seen_at >= coalesce(t.last_customer_at, '-infinity'))
		ON CONFLICT (agent_id, ticket_id) DO UPDATE SET seen_at = now()`, agentID, ticketID)
	if err != nil {
		return fmt.Errorf("mark seen: %w", err)
	}
	return nil
}

type queueClauses struct {
	all, withoutStatus string
	counts             string // the filters on ticket_counts, when there is no search
	search             bool
}

func queueWhere(f ticket.QueueFilter) (queueClauses, []any) {
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

// searchClause matches a ticket number, a requester's or participant's
// address (or part of it), or every word in the subject or any message
// (full-text, prefix matching).
// "#12345" is only a ticket number; a bare number is also a word (an order
// or invoice number the customer wrote).
func searchClause(q string, arg func(any) string) string {
	if n, err := strconv.ParseInt(strings.TrimPrefix(q, "#"), 10, 64); err == nil {
		if strings.HasPrefix(q, "#") {
			return "t.number = " + arg(n)
		}
		return "t.id = ANY (ARRAY(SELECT n.id FROM tickets n WHERE n.number = " + arg(n) + " OR " + wordsMatch("n", q, arg) + "))"
	}
	like := arg("%" + escapeLike(strings.ToLower(q)) + "%")
	if strings.Contains(q, "@") {
		custs := addressCustomers(arg(strings.ToLower(q)), like)
		return "(t.requester_id = ANY (ARRAY(" + custs + ")) OR t.id = ANY (ARRAY(SELECT p.ticket_id FROM participants p" +
			" WHERE p.removed_at IS NULL AND p.customer_id = ANY (ARRAY(" + custs + ")))))"
	}
	// Words of the conversation, or part of the customer's name or address
	// (few customers match a word; their ids are gathered first).
	return "(" + wordsMatch("t", q, arg) + " OR t.requester_id = ANY (ARRAY(SELECT c.id FROM customers c" +
		" WHERE c.name ILIKE " + like + " OR c.email ILIKE " + like + ")))"
}

// addressCustomers selects the customer whose address is exact, found by
// the unique index, or when there is none those whose address is like (a
// trigram index: every address shares "customer" or "example", so a whole
// address read most of it).
func addressCustomers(exact, like string) string {
	return "SELECT c.id FROM customers c WHERE c.email = " + exact + " UNION ALL SELECT c.id FROM customers c" +
		" WHERE NOT EXISTS (SELECT 1 FROM customers x WHERE x.email = " + exact + ") AND c.email ILIKE " + like
}

// wordsMatch is the condition that the ticket aliased a holds every word of
// q in its subject or messages: its search vector, the words of all its
// messages (kept by triggers on messages).
func wordsMatch(a, q string, arg func(any) string) string {
	tsq := ticket.SearchQuery(q)
	if tsq == "" {
		return "false"
	}
	return a + ".search @@ " + arg(tsq) + "::tsquery"
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// OtherTickets lists a customer's tickets except one, for the agent's sidebar.
func (s *Store) OtherTickets(ctx context.Context, customerID, exceptID int64) ([]ticket.Summary, error) {
	return s.summaries(ctx, `WHERE t.requester_id = $1 AND t.id <> $2 ORDER BY t.updated_at DESC LIMIT 20`,
		customerID, exceptID)
}
