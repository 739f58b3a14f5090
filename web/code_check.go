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
	check := auth.CodeCheck{Email: c.Email, Code: typedCode(f.get("code")), Browser: codeNonceSent(r), IP: s.clientIP(r)}
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

// typedCode is a code as typed, without the spaces and dashes people add.
func typedCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
}

func (s *Server) codeRefused(w http.ResponseWriter, r *http.Request, k string, c link.Claims, err error) {
	n, status := codeRefusal(err)
	if n == nil {
		s.serverError(w, r, "check code", err)
		return
	}
	s.log.Info("web: code refused", "to", maskEmail(c.Email), "reason", n.Key)
	s.render(w, r, status, "code", &page{Data: s.codeData(k, c), Error: n},
		s.customerLanguage(r, c.Email))
}

// codeRefusal is the notice and status for a code CheckCode refused; nil
// for an error that is not about the code.
func codeRefusal(err error) (*notice, int) {
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
		return note("code_checks_too_many"), http.StatusTooManyRequests
	default:
		return nil, 0
	}
	return n, http.StatusUnprocessableEntity
}
