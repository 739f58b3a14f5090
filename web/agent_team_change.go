package web

import (
	"errors"
	"net/http"
	"path"

	"inboxdesk/auth"
)

// agentTeamChange disables, enables or changes the role of the agent in the
// path (the last path element names the change). Each ends the agent's
// sessions; the last enabled admin cannot be disabled or demoted.
func (s *Server) agentTeamChange(w http.ResponseWriter, r *http.Request, f *form) {
	a, ok := s.teamAgent(w, r)
	if !ok {
		return
	}
	action := path.Base(r.URL.Path)
	var err error
	switch action {
	case "disable":
		err = s.deps.Auth.DisableAgent(r.Context(), a.Email)
		action = "disabled"
	case "enable":
		err = s.deps.Auth.EnableAgent(r.Context(), a.Email)
		action = "enabled"
	case "role":
		var role auth.AgentRole
		if role, err = auth.ParseAgentRole(f.get("role")); err == nil {
			err = s.deps.Auth.SetAgentRole(r.Context(), a.Email, role)
		}
	}
	if s.teamRefused(w, r, err) {
		return
	}
	s.log.Info("web: agent changed", "agent", a.ID, "change", action, "by", sessionFrom(r).AgentID)
	http.Redirect(w, r, s.path("/agent/team?done="+action), http.StatusSeeOther)
}

// agentTeamReset clears the agent's password, signs them out and emails
// them a new invitation to set one.
func (s *Server) agentTeamReset(w http.ResponseWriter, r *http.Request, _ *form) {
	a, ok := s.teamAgent(w, r)
	if !ok {
		return
	}
	if s.teamRefused(w, r, s.deps.Auth.ResetAgent(r.Context(), a.Email)) || !s.sendInvite(w, r, a) {
		return
	}
	s.log.Info("web: agent reset", "agent", a.ID, "by", sessionFrom(r).AgentID)
	http.Redirect(w, r, s.path("/agent/team?done=reset"), http.StatusSeeOther)
}

// teamAgent loads the agent of the path's {id}; none is 404.
func (s *Server) teamAgent(w http.ResponseWriter, r *http.Request) (*auth.Agent, bool) {
	a, err := s.deps.Auth.AgentByID(r.Context(), pathNumber(r, "id"))
	switch {
	case errors.Is(err, auth.ErrNotFound):
		s.notFound(w, r)
		return nil, false
	case err != nil:
		s.serverError(w, r, "load agent", err)
		return nil, false
	}
	return a, true
}

// teamRefused writes the page for a change that failed and reports whether
// there was one.
func (s *Server) teamRefused(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, auth.ErrLastAdmin):
		s.renderTeam(w, r, http.StatusConflict, &page{Error: note("team_last_admin")}, teamData{Role: string(auth.AgentRoleAgent)})
	case errors.Is(err, auth.ErrBadRole):
		s.renderTeam(w, r, http.StatusUnprocessableEntity, &page{Error: note("team_role_bad")}, teamData{Role: string(auth.AgentRoleAgent)})
	case errors.Is(err, auth.ErrNotFound):
		s.notFound(w, r)
	default:
		s.serverError(w, r, "change agent", err)
	}
	return true
}
