package web

import (
	"errors"
	"net/http"

	"inboxdesk/auth"
)

// agentTokenRevoke revokes one of the signed-in agent's own tokens.
func (s *Server) agentTokenRevoke(w http.ResponseWriter, r *http.Request, _ *form) {
	sess := sessionFrom(r)
	err := s.deps.Auth.RevokeAPIToken(r.Context(), sess.AgentID, pathNumber(r, "id"))
	switch {
	case errors.Is(err, auth.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, "revoke api token", err)
		return
	}
	s.log.Info("web: api token revoked", "agent", sess.AgentID, "token", pathNumber(r, "id"))
	http.Redirect(w, r, s.path("/agent/tokens?done=revoked"), http.StatusSeeOther)
}
