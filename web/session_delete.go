package web

import (
	"net/http"
)

// sessionDelete signs out: the session row goes, and the cookie with it.
func (s *Server) sessionDelete(w http.ResponseWriter, r *http.Request, _ *form) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.deps.Auth.DeleteSession(r.Context(), c.Value); err != nil {
			s.serverError(w, r, "sign out", err)
			return
		}
	}
	s.clearCookie(w, sessionCookie)
	dest := "/login"
	if sess := sessionFrom(r); sess != nil {
		dest = signInPath(sess.Role)
	}
	http.Redirect(w, r, s.path(dest), http.StatusSeeOther)
}
