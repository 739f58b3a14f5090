package web

import (
	"net/http"
	"time"
)

// myLanguageSet records the customer's explicit language choice for alerts
// and pages ("" goes back to the language they use); a chosen language also
// becomes the site's for this browser.
func (s *Server) myLanguageSet(w http.ResponseWriter, r *http.Request, f *form) {
	l := f.get("language")
	if s.languageRefused(w, r, s.deps.Tickets.SetCustomerLanguageChoice(r.Context(), sessionFrom(r).CustomerID, l)) {
		return
	}
	if l != "" {
		s.setCookie(w, langCookie, l, 365*24*time.Hour)
	}
	http.Redirect(w, r, s.path("/my?done=language#alerts"), http.StatusSeeOther)
}
