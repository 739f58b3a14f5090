package web

import (
	"errors"
	"net/http"
	"strconv"

	"inboxdesk/link"
)

// pathNumber reads the {number} (or other int64) path value; 0 when absent or invalid.
func pathNumber(r *http.Request, name string) int64 {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// linkClaims verifies the magic-link token k of the ticket in the path.
func (s *Server) linkClaims(r *http.Request, k string) (link.Claims, error) {
	n := pathNumber(r, "number")
	if n == 0 {
		return link.Claims{}, link.ErrWrongTicket
	}
	c, err := s.cfg.Keys.VerifyFor(k, s.now(), n, link.PurposeTicket)
	if err != nil {
		return c, err
	}
	return c, s.addressReads(r, c)
}

// errNoLongerReader says a link's address no longer reads its ticket (a
// participant an agent removed): the link opens nothing, as a bad one.
var errNoLongerReader = errors.New("the link's address no longer reads the ticket")

// addressReads checks that the address a link is for still reads its
// ticket: the requester, or a participant who was not removed.
func (s *Server) addressReads(r *http.Request, c link.Claims) error {
	reads, err := s.deps.Tickets.AddressReadsNumber(r.Context(), c.Ticket, c.Email)
	if err != nil {
		return err
	}
	if !reads {
		return errNoLongerReader
	}
	return nil
}

// codeClaims verifies the token the code page carries: a ticket link's, or
// the short-lived one /login signs for the address typed there.
func (s *Server) codeClaims(k string) (link.Claims, error) {
	c, err := s.cfg.Keys.Verify(k, s.now())
	if err != nil {
		return link.Claims{}, err
	}
	switch {
	case c.Purpose == link.PurposeTicket && c.Ticket > 0:
	case c.Purpose == link.PurposeLogin && c.Ticket == 0:
	default:
		return link.Claims{}, link.ErrWrongPurpose
	}
	return c, nil
}

// tokenRefused shows why a link does not work: expired links say so (and
// offer signing in); anything else is "not valid", with no detail.
func (s *Server) tokenRefused(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Info("web: link refused", "path", r.URL.Path, "reason", err)
	if errors.Is(err, link.ErrExpired) {
		s.renderError(w, r, http.StatusGone, "link_expired")
		return
	}
	s.renderError(w, r, http.StatusNotFound, "link_invalid")
}
