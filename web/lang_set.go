package web

import (
	"net/http"
	"strings"
	"time"
	"unicode"
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
	// Browsers drop tabs and newlines inside a URL ("/\t/evil.example" is
	// "//evil.example" to them): no control character may pass.
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') ||
		strings.ContainsFunc(next, unicode.IsControl) {
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
