package web

import (
	"net/http"
	"net/url"

	"inboxdesk/auth"
	"inboxdesk/link"
)

// agentInviteCode mails a one-time code to the invited address (the one
// bound in the token, never one the visitor types) and goes back to the
// invitation page, which then asks for it.
func (s *Server) agentInviteCode(w http.ResponseWriter, r *http.Request, f *form) {
	k := f.get("k")
	inv, ok := s.inviteFor(w, r, k)
	if !ok {
		return
	}
	lang := s.language(r, "")
	req := auth.CodeRequest{Email: inv.Email, IP: s.clientIP(r), Browser: s.codeNonce(w, r), Purpose: link.PurposeInvite}
	if n := s.sendCode(r, req, lang); n != nil {
		s.renderInvite(w, r, codeFailureStatus(n), &page{Error: n}, inv, k, false)
		return
	}
	http.Redirect(w, r, s.invitePath(k), http.StatusSeeOther)
}

func (s *Server) invitePath(k string) string {
	return s.path("/agent/invite?" + url.Values{"k": {k}, "sent": {"1"}}.Encode())
}
