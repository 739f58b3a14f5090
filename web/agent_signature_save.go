package web

import (
	"errors"
	"net/http"

	"inboxdesk/ticket"
)

// agentSignatureSave stores the agent's signature, appended to their public
// replies from now on. One too long is refused and the old one stays.
func (s *Server) agentSignatureSave(w http.ResponseWriter, r *http.Request, f *form) {
	err := s.deps.Tickets.SetSignature(r.Context(), sessionFrom(r).AgentID, f.get("signature"))
	if errors.Is(err, ticket.ErrBadSignature) {
		s.renderNotify(w, r, http.StatusUnprocessableEntity, &page{Error: note("signature_bad")})
		return
	}
	if err != nil {
		s.serverError(w, r, "set signature", err)
		return
	}
	http.Redirect(w, r, s.path("/agent/notifications?done=signature"), http.StatusSeeOther)
}
