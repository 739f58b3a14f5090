package web

import (
	"errors"
	"net/http"

	"inboxdesk/auth"
)

// agentInviteAccept sets the invited agent's password: it takes the
// invitation token, the code sent to the invited address (in this browser)
// and the new password, uses the invitation up and signs the agent in. A
// weak password is refused before the code is spent.
func (s *Server) agentInviteAccept(w http.ResponseWriter, r *http.Request, f *form) {
	k := f.get("k")
	inv, ok := s.inviteFor(w, r, k)
	if !ok {
		return
	}
	password := f.get("password")
	if n := len([]rune(password)); n < auth.MinPasswordLen || n > auth.MaxPasswordLen {
		s.renderInvite(w, r, http.StatusUnprocessableEntity, &page{Error: note("invite_password_weak",
			auth.MinPasswordLen, auth.MaxPasswordLen)}, inv, k, true)
		return
	}
	check := auth.CodeCheck{Email: inv.Email, Code: typedCode(f.get("code")), Browser: codeNonceSent(r), IP: s.clientIP(r)}
	if _, err := s.deps.Auth.CheckCode(r.Context(), check); err != nil {
		n, status := codeRefusal(err)
		if n == nil {
			s.serverError(w, r, "check code", err)
			return
		}
		s.log.Info("web: invitation code refused", "to", maskEmail(inv.Email), "reason", n.Key)
		s.renderInvite(w, r, status, &page{Error: n}, inv, k, true)
		return
	}
	a, err := s.deps.Auth.AcceptInvite(r.Context(), inv.ID, inv.Email, password)
	if errors.Is(err, auth.ErrInviteUsed) || errors.Is(err, auth.ErrInviteExpired) {
		s.renderError(w, r, http.StatusGone, "invite_used")
		return
	}
	if err != nil {
		s.serverError(w, r, "accept invite", err)
		return
	}
	if err := s.startSession(w, r, auth.RoleAgent, a.ID); err != nil {
		s.serverError(w, r, "start session", err)
		return
	}
	s.log.Info("web: invitation accepted", "agent", a.ID)
	http.Redirect(w, r, s.path("/agent"), http.StatusSeeOther)
}
