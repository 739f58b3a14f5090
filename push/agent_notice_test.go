package push_test

import (
	"strings"
	"testing"

	"inboxdesk/ticket"
)

// agent adds an agent whose notices go on channels, with a browser
// subscribed at the push service as device ("" for none).
func (r *rig) agent(email string, channels ticket.AlertChannels, device string) int64 {
	r.t.Helper()
	var id int64
	if err := r.store.Pool().QueryRow(r.ctx, `INSERT INTO agents (email, name) VALUES ($1, 'Agent') RETURNING id`,
		email).Scan(&id); err != nil {
		r.t.Fatal(err)
	}
	if err := r.store.SetAgentChannels(r.ctx, id, channels); err != nil {
		r.t.Fatal(err)
	}
	if device != "" {
		d := newDevice(r.t)
		sub := subscription(0, r.push.endpoint(device, d), d)
		sub.AgentID = id
		if _, err := r.store.SavePushSubscription(r.ctx, sub); err != nil {
			r.t.Fatal(err)
		}
	}
	return id
}

// noticeChannels returns the channels of the agent's notices on the ticket.
func (r *rig) noticeChannels(tk *ticket.Ticket, agentID int64) []string {
	r.t.Helper()
	rows, err := r.store.Pool().Query(r.ctx, `SELECT channel FROM alerts WHERE ticket_id = $1 AND agent_id = $2
		ORDER BY channel`, tk.ID, agentID)
	if err != nil {
		r.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		_ = rows.Scan(&c)
		out = append(out, c)
	}
	return out
}

// Each agent's notice goes on the channels they chose; an agent who chose
// push without a subscribed browser still gets email.
func TestAgentNoticeChannels(t *testing.T) {
	r := newRig(t)
	_, tk := r.ticketFor("ana@example.org")
	lead := r.agent("lead@support.test", ticket.ChannelsEmail, "")
	for _, c := range []struct {
		email    string
		channels ticket.AlertChannels
		device   string
		want     string
		pushes   int
		emails   int
	}{
		{"pia@support.test", ticket.ChannelsPush, "pia-laptop", "push", 1, 0},
		{"bo@support.test", ticket.ChannelsBoth, "bo-phone", "email,push", 1, 1},
		{"eve@support.test", ticket.ChannelsEmail, "eve-laptop", "email", 0, 1},
		{"nod@support.test", ticket.ChannelsPush, "", "email", 0, 1},
	} {
		id := r.agent(c.email, c.channels, c.device)
		if _, err := r.store.Assign(r.ctx, lead, ticket.Post{TicketID: tk.ID}, id); err != nil {
			t.Fatal(err)
		}
		r.sendAll()
		if got := strings.Join(r.noticeChannels(tk, id), ","); got != c.want {
			t.Errorf("%s (%s): notices on %q, want %q", c.email, c.channels, got, c.want)
		}
		pushes := 0
		for _, p := range r.push.received() {
			if c.device != "" && p.Device == c.device {
				pushes++
			}
		}
		if pushes != c.pushes || r.email.to(c.email) != c.emails {
			t.Errorf("%s (%s): %d pushes and %d emails delivered, want %d and %d", c.email, c.channels,
				pushes, r.email.to(c.email), c.pushes, c.emails)
		}
	}
}

// An agent's push is notify-only: what happened and the number, with a
// plain link to the agent page (no token, no subject, no content).
func TestAgentNoticePushPayload(t *testing.T) {
	r := newRig(t)
	_, tk := r.ticketFor("ana@example.org")
	lead := r.agent("lead@support.test", ticket.ChannelsEmail, "")
	pia := r.agent("pia@support.test", ticket.ChannelsPush, "pia-laptop")
	if _, err := r.store.Assign(r.ctx, lead, ticket.Post{TicketID: tk.ID}, pia); err != nil {
		t.Fatal(err)
	}
	r.sendAll()
	got := r.push.received()
	if len(got) != 1 || got[0].Device != "pia-laptop" {
		t.Fatalf("pushes %+v, want one to Pia's laptop", got)
	}
	p := got[0].Payload
	n := ticketNumber(tk.Number)
	if p.Ticket != tk.Number || p.Reason != ticket.EventAssigned.Reason() || p.Body != "Assigned to you" ||
		!strings.Contains(p.Title, n) || p.URL != "https://help.example.com/agent/tickets/"+n {
		t.Errorf("payload %+v", p)
	}
	if strings.Contains(p.Title+p.Body+p.URL, "Printer") || strings.Contains(p.URL, "?") {
		t.Errorf("payload carries the subject or a token: %+v", p)
	}
	checkClaims(t, r.push, got[0].JWT, subject)
	if subs, _ := r.store.PushSubscriptionsByAgent(r.ctx, pia); len(subs) != 1 || subs[0].LastAlertID == 0 {
		t.Errorf("Pia's device %+v, want the delivery recorded", subs)
	}
}
