package web

import (
	"net/http"

	"inboxdesk/auth"
)

type loginData struct{ Email string }

// loginShow asks for an address to send a sign-in code to.
func (s *Server) loginShow(w http.ResponseWriter, r *http.Request) {
	if sess := sessionFrom(r); sess != nil && sess.Role == auth.RoleCustomer {
		http.Redirect(w, r, s.path("/my"), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", &page{Data: loginData{}}, "")
}
