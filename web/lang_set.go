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

// recordSiteLanguage makes the language of a page served to a signed-in
// customer their site language, the one their alerts follow unless they (or
// an agent) chose one (package lang). Only a change is written. Mail scanners
// and link previews have no session: what they fetch records nothing.
func (s *Server) recordSiteLanguage(r *http.Request, lang string) {
	sess := sessionFrom(r)
	if sess == nil || sess.Role != auth.RoleCustomer || lang == sess.SiteLanguage {
		return
	}
	if err := s.deps.Tickets.SetCustomerSiteLanguage(r.Context(), sess.CustomerID, lang); err != nil {
		s.log.Warn("web: record site language", "customer", sess.CustomerID, slog.Any("err", err))
		return
	}
	sess.SiteLanguage = lang
}

// chosenLanguage returns the language the visitor picked on the site, or "".
func (s *Server) chosenLanguage(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && s.views.hasLanguage(c.Value) {
		return c.Value
	}
	return ""
}
