package web

import (
	"net/http"

	"inboxdesk/auth"
)

// homeShow sends a customer to My tickets and anyone else to sign in.
func (s *Server) homeShow(w http.ResponseWriter, r *http.Request) {
	sess := sessionFrom(r)
	switch {
	case sess == nil:
		http.Redirect(w, r, s.path("/login"), http.StatusSeeOther)
	case sess.Role == auth.RoleCustomer:
		http.Redirect(w, r, s.path("/my"), http.StatusSeeOther)
	default:
		http.Redirect(w, r, s.path("/agent"), http.StatusSeeOther)
	}
}
