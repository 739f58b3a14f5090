package web

import (
	"net/http"

	"inboxdesk/auth"
)

type agentLoginData struct{ Email string }

// agentLoginShow asks an agent for their address and password; a signed-in
// agent goes straight to the queue.
func (s *Server) agentLoginShow(w http.ResponseWriter, r *http.Request) {
	if sess := sessionFrom(r); sess != nil && sess.Role == auth.RoleAgent {
		http.Redirect(w, r, s.path("/agent"), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "agent_login", &page{Data: agentLoginData{}}, "")
}
