package web

import (
	"errors"
	"net/http"

	"inboxdesk/auth"
)

// agentLoginCheck signs an agent in with address and password. Every wrong
// combination (unknown address, wrong password, disabled account) gets the
// same message; too many failures for the address or the client lock
// sign-in for a while (auth.AgentLogin counts them).
func (s *Server) agentLoginCheck(w http.ResponseWriter, r *http.Request, f *form) {
	email := f.get("email")
	a, err := s.deps.Auth.AgentLogin(r.Context(), email, f.get("password"), s.clientIP(r))
	var status int
	var n *notice
	switch {
	case errors.Is(err, auth.ErrBadLogin):
		status, n = http.StatusUnauthorized, note("agent_login_wrong")
	case errors.Is(err, auth.ErrTooManyLogins):
		status, n = http.StatusTooManyRequests, note("agent_login_too_many")
	case err != nil:
		s.serverError(w, r, "agent login", err)
		return
	}
	if n != nil {
		s.log.Info("web: agent sign-in refused", "to", maskEmail(email), "reason", n.Key)
		s.render(w, r, status, "agent_login", &page{Data: agentLoginData{Email: email}, Error: n}, "")
		return
	}
	if err := s.startSession(w, r, auth.RoleAgent, a.ID); err != nil {
		s.serverError(w, r, "start session", err)
		return
	}
	s.log.Info("web: agent signed in", "agent", a.ID)
	http.Redirect(w, r, s.path("/agent"), http.StatusSeeOther)
}
