package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"inboxdesk/auth"
	"inboxdesk/link"
)

type linkData struct {
	Number       int64
	Token        string
	Masked       string // the address the code goes to, masked
	OtherSession string // the masked address of a session for someone else, if any
	Expired      bool   // the link expired: the page offers a fresh one (linkFresh)
	Sent         bool   // a fresh link was asked for
}

// linkShow is the page an alert's magic link opens: it verifies the token
// and offers to send a code to the bound address. It consumes nothing (mail
// scanners fetch every link). A session already proven for that address
// goes straight to the ticket.
func (s *Server) linkShow(w http.ResponseWriter, r *http.Request) {
	k := r.URL.Query().Get("k")
	c, err := s.linkClaims(r, k)
	if errors.Is(err, link.ErrExpired) {
		s.linkExpired(w, r, k, false)
		return
	}
	if err != nil {
		s.tokenRefused(w, r, err)
		return
	}
	d := linkData{Number: c.Ticket, Token: k, Masked: maskEmail(c.Email)}
	if sess := sessionFrom(r); sess != nil {
		if sess.Role == auth.RoleCustomer && c.SameAddress(sess.Email) {
			http.Redirect(w, r, s.ticketPath(c.Ticket), http.StatusSeeOther)
			return
		}
		d.OtherSession = maskEmail(sess.Email)
	}
	s.render(w, r, http.StatusOK, "link", &page{Data: d}, s.customerLanguage(r, c.Email))
}

// linkExpired shows an expired link's page: it offers to email a fresh link
// to the address the link was for (sent is true once that was asked). A
// token that is not ours is refused as any other.
func (s *Server) linkExpired(w http.ResponseWriter, r *http.Request, k string, sent bool) {
	c, err := s.cfg.Keys.VerifyExpired(k, pathNumber(r, "number"), link.PurposeTicket)
	if err != nil {
		s.tokenRefused(w, r, err)
		return
	}
	p := &page{Data: linkData{Number: c.Ticket, Token: k, Masked: maskEmail(c.Email), Expired: true, Sent: sent}}
	status := http.StatusGone
	if sent {
		p.Flash, status = note("link_fresh_sent", maskEmail(c.Email)), http.StatusOK
	}
	s.render(w, r, status, "link", p, s.customerLanguage(r, c.Email))
}

// customerLanguage returns the known language of the customer with the
// address ("" when unknown).
func (s *Server) customerLanguage(r *http.Request, email string) string {
	c, err := s.deps.Tickets.CustomerByEmail(r.Context(), strings.ToLower(email))
	if err != nil {
		return ""
	}
	return c.Language
}

func (s *Server) ticketPath(n int64) string {
	return s.path("/tickets/" + strconv.FormatInt(n, 10))
}
