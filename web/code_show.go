package web

import (
	"net/http"
	"strconv"
	"time"

	"inboxdesk/link"
)

type codeData struct {
	Token   string
	Masked  string
	Minutes int // how long a code works
	// Resend: where the "send a new code" form posts, and the field it carries.
	ResendAction string
	ResendEmail  string // for a sign-in (the ticket form carries the token instead)
}

// codeShow is the page that takes the emailed code.
func (s *Server) codeShow(w http.ResponseWriter, r *http.Request) {
	k := r.URL.Query().Get("k")
	c, err := s.codeClaims(k)
	if err != nil {
		s.tokenRefused(w, r, err)
		return
	}
	p := &page{Data: s.codeData(k, c)}
	if r.URL.Query().Get("sent") == "1" {
		p.Flash = note("code_sent", maskEmail(c.Email))
	}
	s.render(w, r, http.StatusOK, "code", p, s.customerLanguage(r, c.Email))
}

func (s *Server) codeData(k string, c link.Claims) codeData {
	d := codeData{Token: k, Masked: maskEmail(c.Email), Minutes: s.codeMinutes()}
	if c.Purpose == link.PurposeTicket {
		d.ResendAction = s.path("/t/" + strconv.FormatInt(c.Ticket, 10) + "/code")
	} else {
		d.ResendAction, d.ResendEmail = s.path("/login"), c.Email
	}
	return d
}

func (s *Server) codeMinutes() int {
	return int(s.deps.Auth.Config().CodeTTL / time.Minute)
}
