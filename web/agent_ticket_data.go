package web

import (
	"fmt"
	"net/http"
	"time"

	"inboxdesk/auth"
	"inboxdesk/lang"
	"inboxdesk/ticket"
)

// eventView is one line of a ticket's history.
type eventView struct {
	ID     int64
	Key    string // catalog key of the event's label ("" when there is none)
	Kind   string // shown when Key is ""
	Actor  string // "" for the system itself
	Detail string
	At     time.Time
}

type loadedTicket struct {
	agentTicketData
	remoteImages bool
}

// agentTicketData loads everything the agent's ticket page shows.
func (s *Server) agentTicketData(r *http.Request, t *ticket.Ticket, f agentForm) (*loadedTicket, error) {
	ctx := r.Context()
	msgs, err := s.deps.Tickets.Messages(ctx, t.ID, true)
	if err != nil {
		return nil, err
	}
	d := &loadedTicket{agentTicketData: agentTicketData{Ticket: t, Form: f, Allowed: allowedActions(t.Status)}}
	if d.Others, err = s.deps.Tickets.OtherTickets(ctx, t.RequesterID, t.ID); err != nil {
		return nil, err
	}
	if d.Alerts, err = s.deps.Tickets.AlertsByTicket(ctx, t.ID); err != nil {
		return nil, err
	}
	if d.Participants, err = s.deps.Tickets.Participants(ctx, t.ID); err != nil {
		return nil, err
	}
	if d.Language, err = s.deps.Tickets.CustomerLanguages(ctx, t.RequesterID); err != nil {
		return nil, err
	}
	if d.Canned, err = s.deps.Tickets.CannedFor(ctx, sessionFrom(r).AgentID); err != nil {
		return nil, err
	}
	d.AutoLanguage = lang.Resolve(lang.Sources{Site: d.Language.Site, Mail: d.Language.Mail}, "")
	agents, err := s.deps.Auth.ListAgents(ctx)
	if err != nil {
		return nil, err
	}
	events, err := s.deps.Tickets.Events(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	views, remote := s.messageViews(r, msgs)
	for i, v := range views {
		am := agentMessage{messageView: v, Internal: msgs[i].Internal, Auto: msgs[i].AutoSubmitted != "",
			Notes: msgs[i].Notes}
		if msgs[i].ThirdParty {
			am.Internal, am.ThirdParty = false, msgs[i].FromEmail
		}
		d.Messages = append(d.Messages, am)
	}
	d.remoteImages = remote
	names := agentNames(agents)
	for _, a := range agents {
		if !a.Disabled || a.ID == t.AssigneeID { // keep a disabled assignee selectable, so a save keeps it
			d.Agents = append(d.Agents, a)
		}
	}
	d.Events = s.eventViews(events, names, t)
	return d, nil
}

// allowedActions says which action buttons a ticket in status st offers
// (ticket.Offered decides), keyed by the buttons' values.
func allowedActions(st ticket.Status) map[string]bool {
	out := make(map[string]bool, len(agentActions))
	for value, act := range agentActions {
		out[value] = ticket.Offered(st, act)
	}
	return out
}

func agentNames(agents []auth.Agent) map[int64]string {
	m := map[int64]string{}
	for _, a := range agents {
		name := a.Name
		if name == "" {
			name = a.Email
		}
		m[a.ID] = name
	}
	return m
}

// eventViews names each event's actor (agents by name, the customer by
// address) and its label when the catalog has one.
func (s *Server) eventViews(events []ticket.Event, agents map[int64]string, t *ticket.Ticket) []eventView {
	out := make([]eventView, 0, len(events))
	for _, ev := range events {
		v := eventView{ID: ev.ID, Kind: ev.Kind, Actor: ev.Actor.String(), At: ev.CreatedAt, Detail: eventDetail(ev, agents)}
		if _, ok := s.views.catalogs["en"]["event_"+ev.Kind]; ok {
			v.Key = "event_" + ev.Kind
		}
		switch name, ok := agents[ev.Actor.ID]; {
		case ev.Actor.Kind == ticket.ActorAgent && ok:
			v.Actor = name
		case ev.Actor == ticket.CustomerActor(t.RequesterID):
			v.Actor = t.RequesterEmail
		case ev.Kind == "third_party_mail":
			v.Actor = fmt.Sprint(ev.Detail["from"]) // the sender, who is not the requester
		case ev.Actor == ticket.SystemActor:
			v.Actor = ""
		}
		out = append(out, v)
	}
	return out
}

// eventDetail is a short readable form of an event's detail.
func eventDetail(ev ticket.Event, agents map[int64]string) string {
	if ev.Kind == "assigned" {
		id, isNumber := ev.Detail["agent"].(float64) // JSON numbers
		if name, ok := agents[int64(id)]; isNumber && ok {
			return "→ " + name
		}
		return "→ –"
	}
	switch ev.Kind {
	case "merged", "merged_into", "split", "split_from": // the other ticket's number
		for _, k := range []string{"from", "into"} {
			if v, ok := ev.Detail[k]; ok {
				return fmt.Sprintf("#%v", v)
			}
		}
	}
	for _, k := range []string{"reason", "by", "source", "language", "email"} {
		if v, ok := ev.Detail[k]; ok && fmt.Sprint(v) != "" {
			return fmt.Sprint(v)
		}
	}
	return ""
}
