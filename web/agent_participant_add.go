package web

import (
	"net/http"

	"inboxdesk/ticket"
)

// agentParticipantAdd adds an address to the ticket's participants (again,
// if it was removed).
func (s *Server) agentParticipantAdd(w http.ResponseWriter, r *http.Request, f *form) {
	t, ok := s.agentTicket(w, r)
	if !ok {
		return
	}
	agentID := sessionFrom(r).AgentID
	err := s.deps.Tickets.AddParticipant(r.Context(), t.ID, ticket.AddedBy{AgentID: agentID}, f.get("email"))
	if n := participantNotice(err); n != nil {
		s.renderAgentTicket(w, r, http.StatusUnprocessableEntity, "layout", t, agentForm{Version: t.Version}, n, nil)
		return
	}
	if err != nil {
		s.serverError(w, r, "add participant", err)
		return
	}
	s.log.Info("web: participant added", "ticket", t.Number, "agent", agentID)
	http.Redirect(w, r, s.agentTicketPath(t.Number)+"?done=participant_added#participants", http.StatusSeeOther)
}
