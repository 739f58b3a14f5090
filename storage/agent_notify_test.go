package storage_test

import (
	"slices"
	"testing"
	"time"

	"inboxdesk/storage"
	"inboxdesk/ticket"
)

var allEvents = ticket.AgentEvents

func TestWantsNotice(t *testing.T) {
	me := ticket.AgentNotify{AgentID: 7, Events: allEvents}
	follower := me
	follower.Follows = true
	quietEvents := me
	quietEvents.Events = []ticket.AgentEvent{ticket.EventAssigned}
	for _, c := range []struct {
		name string
		a    ticket.AgentNotify
		f    ticket.NoticeFacts
		want bool
	}{
		{"new ticket, followed mailbox", follower, ticket.NoticeFacts{Event: ticket.EventNewTicket}, true},
		{"new ticket, other mailbox", me, ticket.NoticeFacts{Event: ticket.EventNewTicket}, false},
		{"reply on my ticket", me, ticket.NoticeFacts{Event: ticket.EventCustomerReplied, Assignee: 7}, true},
		{"reply on another's ticket", follower, ticket.NoticeFacts{Event: ticket.EventCustomerReplied, Assignee: 8}, false},
		{"reply on unassigned, followed", follower, ticket.NoticeFacts{Event: ticket.EventCustomerReplied}, true},
		{"reply on unassigned, not followed", me, ticket.NoticeFacts{Event: ticket.EventCustomerReplied}, false},
		{"assigned to me by another", me, ticket.NoticeFacts{Event: ticket.EventAssigned, Assignee: 7, Actor: 8}, true},
		{"assigned to me by myself", me, ticket.NoticeFacts{Event: ticket.EventAssigned, Assignee: 7, Actor: 7}, false},
		{"assigned to another", me, ticket.NoticeFacts{Event: ticket.EventAssigned, Assignee: 8, Actor: 9}, false},
		{"mentioned", me, ticket.NoticeFacts{Event: ticket.EventMentioned, Mentioned: []int64{3, 7}, Actor: 8}, true},
		{"mentioned myself", me, ticket.NoticeFacts{Event: ticket.EventMentioned, Mentioned: []int64{7}, Actor: 7}, false},
		{"not mentioned", me, ticket.NoticeFacts{Event: ticket.EventMentioned, Mentioned: []int64{3}, Actor: 8}, false},
		{"event not chosen", quietEvents, ticket.NoticeFacts{Event: ticket.EventCustomerReplied, Assignee: 7}, false},
		{"chosen event", quietEvents, ticket.NoticeFacts{Event: ticket.EventAssigned, Assignee: 7}, true},
	} {
		if got := ticket.WantsNotice(c.a, c.f); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestNoticeAtQuietHours(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2026, 3, 4, h, m, 0, 0, time.UTC) }
	night := ticket.AgentNotify{Quiet: true, QuietFrom: 22 * 60, QuietTo: 7 * 60}
	lunch := ticket.AgentNotify{Quiet: true, QuietFrom: 12 * 60, QuietTo: 13 * 60}
	for _, c := range []struct {
		name     string
		a        ticket.AgentNotify
		now, due time.Time
	}{
		{"no quiet hours", ticket.AgentNotify{}, at(23, 0), at(23, 0)},
		{"night, before midnight", night, at(23, 30), at(7, 0).Add(24 * time.Hour)},
		{"night, after midnight", night, at(3, 0), at(7, 0)},
		{"night, at its end", night, at(7, 0), at(7, 0)},
		{"night, daytime", night, at(15, 0), at(15, 0)},
		{"lunch, inside", lunch, at(12, 30), at(13, 0)},
		{"lunch, outside", lunch, at(11, 59), at(11, 59)},
		{"empty span", ticket.AgentNotify{Quiet: true, QuietFrom: 60, QuietTo: 60}, at(1, 0), at(1, 0)},
	} {
		if got := ticket.NoticeAt(c.a, c.now); !got.Equal(c.due) {
			t.Errorf("%s: %v, want %v", c.name, got, c.due)
		}
	}
}

func TestMentions(t *testing.T) {
	agents := []ticket.AgentNotify{
		{AgentID: 1, Email: "zoe@support.test", Name: "Zoe Agent"},
		{AgentID: 2, Email: "max.power@support.test", Name: "Maximilian"},
	}
	for _, c := range []struct {
		text string
		want []int64
	}{
		{"@zoe please look", []int64{1}},
		{"cc @Max.Power and @ZOE.", []int64{2, 1}},
		{"@maximilian, @zoe @zoe", []int64{2, 1}},
		{"mail zoe@support.test", nil},
		{"@nobody", nil},
	} {
		if got := ticket.Mentions(c.text, agents); !slices.Equal(got, c.want) {
			t.Errorf("Mentions(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

// notices returns the reasons of the agent's queued notices on the ticket.
func (f *fixture) notices(number, agentID int64) []string {
	f.t.Helper()
	rows, err := f.store.Pool().Query(f.ctx, `SELECT a.reason FROM alerts a JOIN tickets t ON t.id = a.ticket_id
		WHERE t.number = $1 AND a.agent_id = $2 ORDER BY a.id`, number, agentID)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		_ = rows.Scan(&r)
		out = append(out, r)
	}
	return out
}

func (f *fixture) addAgent(email, name string) int64 {
	f.t.Helper()
	var id int64
	if err := f.store.Pool().QueryRow(f.ctx, `INSERT INTO agents (email, name) VALUES ($1, $2) RETURNING id`, email, name).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	return id
}

func TestAgentNoticesThroughTheOutbox(t *testing.T) {
	cfg := storage.DefaultConfig() // a coalescing window: notices wait in it
	f := newFixture(t, cfg)
	lee := f.addAgent("lee@support.test", "Lee Lead")
	zoe := f.addAgent("zoe@support.test", "Zoe Agent")
	gone := f.addAgent("gone@support.test", "Gone")
	if err := f.store.FollowMailbox(f.ctx, lee, f.cp.MailboxID, true); err != nil {
		t.Fatal(err)
	}
	_ = f.store.FollowMailbox(f.ctx, gone, f.cp.MailboxID, true)
	if _, err := f.store.Pool().Exec(f.ctx, `UPDATE agents SET disabled = true WHERE id = $1`, gone); err != nil {
		t.Fatal(err)
	}
	r := f.ingest(mail("ana@example.org", "Printer on fire", "help"))
	if got := f.notices(r.Ticket, lee); !slices.Equal(got, []string{"agent_new_ticket"}) {
		t.Fatalf("follower of the mailbox: %v", got)
	}
	if len(f.notices(r.Ticket, zoe)) != 0 || len(f.notices(r.Ticket, gone)) != 0 {
		t.Fatal("a non-follower or a disabled agent was told of the new ticket")
	}
	tk, _ := f.store.TicketByNumber(f.ctx, r.Ticket)
	if tk2, err := f.store.Assign(f.ctx, lee, ticket.Post{TicketID: tk.ID}, zoe); err != nil || tk2.AssigneeID != zoe {
		t.Fatal(err)
	}
	if got := f.notices(r.Ticket, zoe); !slices.Equal(got, []string{"agent_assigned"}) {
		t.Fatalf("assignee: %v", got)
	}
	// The customer answers while Zoe's notice waits: one notice, newest reason.
	in := mail("ana@example.org", "Re: Printer on fire", "still burning")
	in.InReplyTo = []string{mail("ana@example.org", "Printer on fire", "help").MessageID}
	f.ingest(in)
	if got := f.notices(r.Ticket, zoe); !slices.Equal(got, []string{"agent_customer_replied"}) {
		t.Fatalf("coalesced notice of the assignee: %v", got)
	}
	if got := f.notices(r.Ticket, lee); !slices.Equal(got, []string{"agent_new_ticket"}) {
		t.Fatalf("the follower heard of a reply on Zoe's ticket: %v", got)
	}
	// A mention in an internal note; never to the agent who wrote it.
	if _, err := f.store.Act(f.ctx, zoe, ticket.ActNote, ticket.Post{TicketID: tk.ID, Text: "@lee can you check? @zoe"}); err != nil {
		t.Fatal(err)
	}
	if got := f.notices(r.Ticket, lee); !slices.Equal(got, []string{"agent_mentioned"}) {
		t.Fatalf("mentioned agent: %v", got)
	}
	if got := f.notices(r.Ticket, zoe); !slices.Equal(got, []string{"agent_customer_replied"}) {
		t.Fatalf("the note's author was told of their own note: %v", got)
	}
	// No customer alert takes an agent's notice, nor the other way round.
	var customer int
	_ = f.store.Pool().QueryRow(f.ctx, `SELECT count(*) FROM alerts WHERE agent_id IS NULL AND recipient = 'ana@example.org'`).Scan(&customer)
	if customer == 0 {
		t.Fatal("the customer's alerts are gone")
	}
}

func TestAgentNoticeChoicesAndQuietHours(t *testing.T) {
	f := newFixture(t, testConfig())
	lee := f.addAgent("lee@support.test", "Lee Lead")
	_ = f.store.FollowMailbox(f.ctx, lee, f.cp.MailboxID, true)
	if err := f.store.SetAgentNotify(f.ctx, lee, []ticket.AgentEvent{ticket.EventAssigned}, false, 0, 0); err != nil {
		t.Fatal(err)
	}
	r := f.ingest(mail("ana@example.org", "Q1", "help"))
	if got := f.notices(r.Ticket, lee); len(got) != 0 {
		t.Fatalf("an event the agent turned off: %v", got)
	}
	now := time.Now().UTC()
	from := (now.Hour()*60 + now.Minute() + 1439) % 1440 // quiet from a minute ago ...
	to := (from + 120) % 1440                            // ... for two hours
	if err := f.store.SetAgentNotify(f.ctx, lee, ticket.AgentEvents, true, from, to); err != nil {
		t.Fatal(err)
	}
	r = f.ingest(mail("ana@example.org", "Q2", "help"))
	var after time.Time
	if err := f.store.Pool().QueryRow(f.ctx, `SELECT a.send_after FROM alerts a JOIN tickets t ON t.id = a.ticket_id
		WHERE t.number = $1 AND a.agent_id = $2`, r.Ticket, lee).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if d := after.Sub(now); d < 100*time.Minute || d > 121*time.Minute {
		t.Fatalf("a notice in quiet hours is due in %v, want at their end (about 2 h)", d)
	}
	if jobs, _ := f.store.ClaimAlerts(f.ctx, 10, time.Minute); slices.ContainsFunc(jobs, func(j ticket.AlertJob) bool { return j.AgentID == lee }) {
		t.Fatal("a notice was claimed during quiet hours")
	}
	if err := f.store.SetAgentNotify(f.ctx, lee, nil, true, 0, 1440); err == nil {
		t.Fatal("quiet hours past midnight's minute accepted")
	}
}

func TestClaimedNoticeNamesAgentAndCustomer(t *testing.T) {
	f := newFixture(t, testConfig())
	lee := f.addAgent("lee@support.test", "Lee Lead")
	_ = f.store.FollowMailbox(f.ctx, lee, f.cp.MailboxID, true)
	r := f.ingest(mail("ana@example.org", "Printer", "help"))
	jobs, err := f.store.ClaimAlerts(f.ctx, 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var notice, alert *ticket.AlertJob
	for i := range jobs {
		if jobs[i].AgentID == lee {
			notice = &jobs[i]
		} else if jobs[i].Recipient.Email == "ana@example.org" {
			alert = &jobs[i]
		}
	}
	if notice == nil || notice.Recipient.Email != "lee@support.test" || notice.TicketNumber != r.Ticket ||
		notice.Requester.Email != "ana@example.org" || notice.Requester.Name != "Cust" || notice.Reason != "agent_new_ticket" {
		t.Fatalf("notice job = %+v", notice)
	}
	if alert == nil || alert.AgentID != 0 || alert.Recipient.Name != "Cust" {
		t.Fatalf("customer alert job = %+v", alert)
	}
}
