package web

import (
	"net/http"
	"strings"
	"time"
)

// langSet remembers the visitor's language choice and goes back to the
// page they were on (only a path on this site: never an open redirect).
func (s *Server) langSet(w http.ResponseWriter, r *http.Request) {
	lang := r.PathValue("lang")
	if !s.views.hasLanguage(lang) {
		s.notFound(w, r)
		return
	}
	s.setCookie(w, langCookie, lang, 365*24*time.Hour)
	next := r.URL.Query().Get("next")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		next = "/"
	}
	http.Redirect(w, r, s.path(next), http.StatusSeeOther)
}

// chosenLanguage returns the language the visitor picked on the site, or "".
func (s *Server) chosenLanguage(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && s.views.hasLanguage(c.Value) {
		return c.Value
	}
	return ""
}
