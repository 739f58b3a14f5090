package web

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode"

	"inboxdesk/auth"
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

// rememberLanguage makes the language a signed-in customer picked on the
// site their language for alerts. It runs on their own form posts only: a
// GET (the language link itself) must change nothing stored.
func (s *Server) rememberLanguage(r *http.Request) {
	sess, lang := sessionFrom(r), s.chosenLanguage(r)
	if sess == nil || sess.Role != auth.RoleCustomer || lang == "" || lang == sess.Language {
		return
	}
	if _, err := s.deps.Tickets.EnsureCustomer(r.Context(), sess.Email, lang); err != nil {
		s.log.Warn("web: remember language", "customer", sess.CustomerID, slog.Any("err", err))
	}
}

// chosenLanguage returns the language the visitor picked on the site, or "".
func (s *Server) chosenLanguage(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && s.views.hasLanguage(c.Value) {
		return c.Value
	}
	return ""
}
