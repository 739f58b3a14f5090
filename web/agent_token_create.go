package web

import (
	"net/http"
	"strings"

	"inboxdesk/auth"
)

// agentTokenCreate makes a token for the signed-in agent and shows its
// secret on this answer only (it is not in any URL and never shown again).
func (s *Server) agentTokenCreate(w http.ResponseWriter, r *http.Request, f *form) {
	name, scope := strings.TrimSpace(f.get("name")), auth.Scope(f.get("scope"))
	if name == "" || (scope != auth.ScopeRead && scope != auth.ScopeWrite) {
		s.renderTokens(w, r, http.StatusUnprocessableEntity, "", note("agent_tokens_bad"))
		return
	}
	sess := sessionFrom(r)
	secret, t, err := s.deps.Auth.CreateAPIToken(r.Context(), sess.Email, name, scope)
	if err != nil {
		s.serverError(w, r, "create api token", err)
		return
	}
	s.log.Info("web: api token created", "agent", sess.AgentID, "token", t.ID, "scope", string(scope))
	w.Header().Set("Cache-Control", "no-store")
	s.renderTokens(w, r, http.StatusOK, secret, note("agent_tokens_created"))
}
