package web

import (
	"net/http"

	"inboxdesk/auth"
	"inboxdesk/lang"
	"inboxdesk/ticket"
)

// agentTicketData is the agent's ticket page.
type agentTicketData struct {
	Ticket   *ticket.Ticket
	Messages []agentMessage
	Others   []ticket.Summary // the customer's other tickets
	Events   []eventView
	Alerts   []ticket.Alert
	Language lang.Sources // what is known of the requester's language
	// AutoLanguage is the requester's language without a choice ("" = the default).
	AutoLanguage string
	Agents       []auth.Agent // enabled agents, for the assign control
	Form         agentForm
	Allowed      map[string]bool      // which action buttons the status allows (by button value)
	Participants []ticket.Participant // the people on the ticket besides the requester
	Canned       []ticket.Canned      // the canned replies the agent may insert
}

// agentMessage is a message as agents see it: internal notes are marked.
type agentMessage struct {
	messageView
	Internal bool
	Auto     bool     // machine-generated mail (auto-reply), logged but not answered
	Notes    []string // what the parser could not read as sent
	// ThirdParty is the sender's address of mail that threaded in by
	// Message-ID from someone who is not the requester ("" otherwise).
	ThirdParty string
}

// agentForm is the action form's typed values, kept when an action is refused.
type agentForm struct {
	Text     string
	Rejected []rejectedFile
	Version  int64          // the ticket version the page was made from
	Macro    *ticket.Canned // the inserted canned reply whose changes sending applies (nil for none)
}

// agentTicketShow shows a ticket to an agent: the whole thread oldest first
// with internal notes marked, the customer and their other tickets, events,
// alerts with their delivery state, and the action and assign forms.
// ?fragment=thread renders only the part the live page swaps in.
func (s *Server) agentTicketShow(w http.ResponseWriter, r *http.Request) {
	t, ok := s.agentTicket(w, r)
	if !ok {
		return
	}
	var flash *notice
	if done := r.URL.Query().Get("done"); done != "" {
		if _, known := s.views.catalogs["en"]["agent_done_"+done]; known {
			flash = note("agent_done_" + done)
		}
	}
	if err := s.deps.Tickets.MarkSeen(r.Context(), sessionFrom(r).AgentID, t.ID); err != nil {
		s.serverError(w, r, "mark seen", err)
		return
	}
	part := "layout"
	if r.URL.Query().Get("fragment") == "thread" {
		part = "live"
	}
	s.renderAgentTicket(w, r, http.StatusOK, part, t, agentForm{Version: t.Version}, nil, flash)
}

// agentTicket loads the ticket in the path; a missing one answers 404 and
// reports false.
func (s *Server) agentTicket(w http.ResponseWriter, r *http.Request) (*ticket.Ticket, bool) {
	return s.ticketInPath(w, r, func(*ticket.Ticket) bool { return true }) // agents see every ticket
}

// renderAgentTicket renders the ticket page (or its live part) with the
// form's values f; errNote explains a refused action.
func (s *Server) renderAgentTicket(w http.ResponseWriter, r *http.Request, status int, part string,
	t *ticket.Ticket, f agentForm, errNote, flash *notice) {
	d, err := s.agentTicketData(r, t, f)
	if err != nil {
		s.serverError(w, r, "agent ticket", err)
		return
	}
	if d.remoteImages {
		w.Header().Set("Content-Security-Policy", cspRemoteImages)
	}
	s.renderPart(w, r, status, "agent_ticket", part, &page{Data: d.agentTicketData, Error: errNote, Flash: flash}, "")
}
