package web

import (
	"errors"
	"net/http"

	"inboxdesk/auth"
	"inboxdesk/link"
)

type inviteData struct {
	Token   string
	Name    string
	Masked  string // the invited address, masked: the code goes there
	Sent    bool   // a code was sent: the page asks for it and the password
	Minutes int
}

// agentInviteShow is the page an invitation link opens. Like a ticket link
// it consumes nothing (mail scanners fetch links): it offers to send a code
// to the invited address, then asks for that code and a password.
func (s *Server) agentInviteShow(w http.ResponseWriter, r *http.Request) {
	k := r.URL.Query().Get("k")
	inv, ok := s.inviteFor(w, r, k)
	if !ok {
		return
	}
	s.renderInvite(w, r, http.StatusOK, &page{}, inv, k, r.URL.Query().Get("sent") == "1")
}

func (s *Server) renderInvite(w http.ResponseWriter, r *http.Request, status int, p *page, inv *auth.Invite, k string, sent bool) {
	p.Data = inviteData{Token: k, Name: inv.Name, Masked: maskEmail(inv.Email), Sent: sent,
		Minutes: s.codeMinutes()}
	s.render(w, r, status, "agent_invite", p, "")
}

// inviteFor verifies the invitation token k and loads its invitation, which
// must still be usable; if not, it writes why and reports false.
func (s *Server) inviteFor(w http.ResponseWriter, r *http.Request, k string) (*auth.Invite, bool) {
	c, err := s.cfg.Keys.Verify(k, s.now())
	if err == nil && (c.Purpose != link.PurposeInvite || c.Ticket <= 0) {
		err = link.ErrWrongPurpose
	}
	if err != nil {
		s.tokenRefused(w, r, err)
		return nil, false
	}
	inv, err := s.deps.Auth.InviteByID(r.Context(), c.Ticket)
	if err == nil && !c.SameAddress(inv.Email) {
		err = auth.ErrNotFound // the agent's address changed since
	}
	switch {
	case err == nil:
		return inv, true
	case errors.Is(err, auth.ErrInviteUsed):
		s.renderError(w, r, http.StatusGone, "invite_used")
	case errors.Is(err, auth.ErrInviteExpired), errors.Is(err, auth.ErrInviteDisabled):
		s.renderError(w, r, http.StatusGone, "invite_expired")
	case errors.Is(err, auth.ErrNotFound):
		s.renderError(w, r, http.StatusNotFound, "link_invalid")
	default:
		s.serverError(w, r, "load invite", err)
	}
	s.log.Info("web: invitation refused", "reason", err)
	return nil, false
}
