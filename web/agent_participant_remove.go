package web

import (
	"errors"
	"net/http"

	"inboxdesk/ticket"
)

// agentParticipantRemove takes a participant off the ticket: no more
// alerts, and their links and sessions no longer open it.
func (s *Server) agentParticipantRemove(w http.ResponseWriter, r *http.Request, f *form) {
	t, ok := s.agentTicket(w, r)
	if !ok {
		return
	}
	agentID := sessionFrom(r).AgentID
	err := s.deps.Tickets.RemoveParticipant(r.Context(), agentID, t.ID, pathNumber(r, "customer"))
	switch {
	case errors.Is(err, ticket.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, "remove participant", err)
		return
	}
	s.log.Info("web: participant removed", "ticket", t.Number, "agent", agentID)
	http.Redirect(w, r, s.agentTicketPath(t.Number)+"?done=participant_removed#participants", http.StatusSeeOther)
}
