package web

import (
	"errors"
	"net/http"

	"inboxdesk/ticket"
)

// agentQuarantineDiscard drops a held mail from the quarantine (the row is
// kept, marked discarded, for the record).
func (s *Server) agentQuarantineDiscard(w http.ResponseWriter, r *http.Request, _ *form) {
	id := pathNumber(r, "id")
	err := s.deps.Tickets.DiscardQuarantined(r.Context(), id)
	switch {
	case errors.Is(err, ticket.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, "quarantine discard", err)
		return
	}
	s.log.Info("web: quarantined mail discarded", "quarantine", id, "agent", sessionFrom(r).AgentID)
	http.Redirect(w, r, s.path("/agent/quarantine?done=discarded"), http.StatusSeeOther)
}
