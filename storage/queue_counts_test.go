package storage_test

import (
	"fmt"
	"testing"

	"inboxdesk/ticket"
)

// The queue's tab counts come from ticket_counts, kept by the writes to
// tickets: after mail, agent actions, assignment, a web ticket and a removed
// mailbox they must equal a count of the tickets themselves, under each filter.
func TestQueueCountsFollowEveryWrite(t *testing.T) {
	f := newFixture(t, testConfig())
	var agent int64
	if err := f.store.Pool().QueryRow(f.ctx, `INSERT INTO agents (email, name) VALUES ('ag@example.org', 'Ag')
		RETURNING id`).Scan(&agent); err != nil {
		t.Fatal(err)
	}
	var tickets []*ticket.Ticket
	for i := range 4 {
		tickets = append(tickets, mustTicket(t, f, f.ingest(mail(fmt.Sprintf("c%d@example.org", i), "Help", "it broke")).Ticket))
	}
	check := func(when string) {
		t.Helper()
		for _, c := range []struct {
			filter ticket.QueueFilter
			where  string
		}{
			{ticket.QueueFilter{}, "true"},
			{ticket.QueueFilter{Assignee: "me", AgentID: agent}, fmt.Sprintf("assignee_id = %d", agent)},
			{ticket.QueueFilter{Assignee: "unassigned"}, "assignee_id IS NULL"},
			{ticket.QueueFilter{MailboxID: f.cp.MailboxID}, fmt.Sprintf("mailbox_id = %d", f.cp.MailboxID)},
			{ticket.QueueFilter{Assignee: "me", AgentID: agent, MailboxID: f.cp.MailboxID, Status: ticket.StatusOpen},
				fmt.Sprintf("assignee_id = %d AND mailbox_id = %d", agent, f.cp.MailboxID)},
		} {
			want := map[ticket.Status]int{}
			rows, err := f.store.Pool().Query(f.ctx, `SELECT status, count(*) FROM tickets WHERE `+c.where+` GROUP BY status`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var st string
				var n int
				if err := rows.Scan(&st, &n); err != nil {
					t.Fatal(err)
				}
				want[ticket.Status(st)] = n
			}
			rows.Close()
			p, err := f.store.Queue(f.ctx, c.filter)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(p.Counts) != fmt.Sprint(want) {
				t.Errorf("%s, tickets where %s: counts %v, want %v", when, c.where, p.Counts, want)
			}
			if c.filter.Status != "" && p.Total != want[c.filter.Status] {
				t.Errorf("%s, tickets where %s: total %d, want %d", when, c.where, p.Total, want[c.filter.Status])
			}
		}
	}
	check("after mail")
	if _, err := f.store.Act(f.ctx, agent, ticket.ActResolve, ticket.Post{TicketID: tickets[0].ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Assign(f.ctx, agent, ticket.Post{TicketID: tickets[1].ID}, agent); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Assign(f.ctx, agent, ticket.Post{TicketID: tickets[2].ID}, agent); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Act(f.ctx, agent, ticket.ActResolve, ticket.Post{TicketID: tickets[2].ID}); err != nil {
		t.Fatal(err)
	}
	check("after resolving and assigning")
	// A customer's reply reopens the resolved ticket.
	reply := mail("c0@example.org", "Re: Help", "still broken")
	reply.InReplyTo = []string{mail("c0@example.org", "Help", "it broke").MessageID}
	f.ingest(reply)
	if _, err := f.store.OpenFromWeb(f.ctx, tickets[3].RequesterID, "From the web", ticket.Post{Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	check("after a reply and a web ticket")
	if _, err := f.store.Pool().Exec(f.ctx, `DELETE FROM mailboxes WHERE id = $1`, f.cp.MailboxID); err != nil {
		t.Fatal(err)
	}
	check("after the mailbox was removed")
}
