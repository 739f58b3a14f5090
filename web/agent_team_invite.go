package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"

	"inboxdesk/auth"
	"inboxdesk/link"
)

// agentTeamInvite adds an agent without a password and emails them an
// invitation link; the link and a code sent to the same address let them
// set their password (agentInviteAccept).
func (s *Server) agentTeamInvite(w http.ResponseWriter, r *http.Request, f *form) {
	d := teamData{Email: f.get("email"), Name: f.get("name"), Role: f.get("role")}
	role, err := auth.ParseAgentRole(d.Role)
	var n *notice
	if err == nil && d.Name == "" {
		err = errNoName
	}
	var a *auth.Agent
	if err == nil {
		a, err = s.deps.Auth.CreateAgentAs(r.Context(), role, d.Email, d.Name, "")
	}
	switch {
	case errors.Is(err, auth.ErrBadRole):
		n = note("team_role_bad")
	case errors.Is(err, errNoName):
		n = note("team_name_missing")
	case errors.Is(err, auth.ErrInvalidAddress):
		n = note("email_invalid")
	case errors.Is(err, auth.ErrAgentExists):
		n = note("team_exists")
	case err != nil:
		s.serverError(w, r, "create agent", err)
		return
	}
	if n != nil {
		s.renderTeam(w, r, http.StatusUnprocessableEntity, &page{Error: n}, d)
		return
	}
	if !s.sendInvite(w, r, a) {
		return
	}
	s.log.Info("web: agent invited", "agent", a.ID, "by", sessionFrom(r).AgentID)
	http.Redirect(w, r, s.path("/agent/team?done=invited"), http.StatusSeeOther)
}

var errNoName = errors.New("no name")

// sendInvite makes a new invitation for a (ending earlier ones) and mails
// its link to a's address. It reports whether it did; if not, it wrote the
// error page.
func (s *Server) sendInvite(w http.ResponseWriter, r *http.Request, a *auth.Agent) bool {
	if s.deps.Invites == nil {
		s.renderError(w, r, http.StatusServiceUnavailable, "code_send_failed")
		return false
	}
	inv, err := s.deps.Auth.CreateInvite(r.Context(), a.ID, sessionFrom(r).AgentID, inviteTTL)
	if err != nil {
		s.serverError(w, r, "create invite", err)
		return false
	}
	tok := s.cfg.Keys.Sign(link.Claims{Ticket: inv.ID, Email: inv.Email, Purpose: link.PurposeInvite, Expires: inv.ExpiresAt})
	u := s.cfg.BaseURL.Join("/agent/invite?" + url.Values{"k": {tok}}.Encode())
	if err := s.deps.Invites.SendInvite(r.Context(), inv.Email, inv.Name, u, s.language(r, "")); err != nil {
		s.log.Error("web: send invite", "to", maskEmail(inv.Email), slog.Any("err", err))
		s.renderError(w, r, http.StatusServiceUnavailable, "code_send_failed")
		return false
	}
	return true
}
