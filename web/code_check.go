package web

import (
	"errors"
	"net/http"
	"strings"

	"inboxdesk/auth"
	"inboxdesk/link"
)

// codeCheck checks the typed code for the address in the page's token. A
// right code signs the browser in as that address's customer and opens the
// ticket of the link (or My tickets); a wrong one says how many tries are left.
func (s *Server) codeCheck(w http.ResponseWriter, r *http.Request, f *form) {
	k := f.get("k")
	c, err := s.codeClaims(k)
	if err != nil {
		s.tokenRefused(w, r, err)
		return
	}
	code := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, f.get("code"))
	check := auth.CodeCheck{Email: c.Email, Code: code, Browser: codeNonceSent(r), IP: s.clientIP(r)}
	if _, err := s.deps.Auth.CheckCode(r.Context(), check); err != nil {
		s.codeRefused(w, r, k, c, err)
		return
	}
	// A language the visitor picked on the site becomes the customer's
	// language (alerts use it); otherwise what we know stays.
	cust, err := s.deps.Tickets.EnsureCustomer(r.Context(), c.Email, s.chosenLanguage(r))
	if err != nil {
		s.serverError(w, r, "ensure customer", err)
		return
	}
	if err := s.startSession(w, r, auth.RoleCustomer, cust.ID); err != nil {
		s.serverError(w, r, "start session", err)
		return
	}
	s.log.Info("web: customer signed in", "customer", cust.ID, "purpose", c.Purpose)
	if c.Purpose == link.PurposeTicket {
		http.Redirect(w, r, s.ticketPath(c.Ticket), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, s.path("/my"), http.StatusSeeOther)
}

func (s *Server) codeRefused(w http.ResponseWriter, r *http.Request, k string, c link.Claims, err error) {
	var wrong *auth.WrongCodeError
	var n *notice
	switch {
	case errors.As(err, &wrong):
		n = note("code_wrong", wrong.Left)
	case errors.Is(err, auth.ErrCodeExpired):
		n = note("code_expired")
	case errors.Is(err, auth.ErrCodeUsedUp):
		n = note("code_used_up")
	case errors.Is(err, auth.ErrNoCode):
		n = note("code_none")
	case errors.Is(err, auth.ErrTooManyChecks):
		n = note("code_checks_too_many")
	default:
		s.serverError(w, r, "check code", err)
		return
	}
	s.log.Info("web: code refused", "to", maskEmail(c.Email), "reason", n.Key)
	status := http.StatusUnprocessableEntity
	if n.Key == "code_checks_too_many" {
		status = http.StatusTooManyRequests
	}
	s.render(w, r, status, "code", &page{Data: s.codeData(k, c), Error: n},
		s.customerLanguage(r, c.Email))
}
