package web

import (
	"net/http"

	"inboxdesk/auth"
)

type teamData struct {
	Agents []auth.Agent
	Me     int64
	Email  string // the invite form's values after a refused invite
	Name   string
	Role   string
}

// teamDone are the flashes the team page shows after an action (?done=).
var teamDone = map[string]string{"invited": "team_invited", "disabled": "team_disabled",
	"enabled": "team_enabled", "role": "team_role_changed", "reset": "team_reset"}

// agentTeamShow lists the team with the admin's actions and the invite form.
func (s *Server) agentTeamShow(w http.ResponseWriter, r *http.Request) {
	p := &page{}
	if key, ok := teamDone[r.URL.Query().Get("done")]; ok {
		p.Flash = note(key)
	}
	s.renderTeam(w, r, http.StatusOK, p, teamData{Role: string(auth.AgentRoleAgent)})
}

func (s *Server) renderTeam(w http.ResponseWriter, r *http.Request, status int, p *page, d teamData) {
	agents, err := s.deps.Auth.ListAgents(r.Context())
	if err != nil {
		s.serverError(w, r, "list agents", err)
		return
	}
	d.Agents, d.Me = agents, sessionFrom(r).AgentID
	p.Data = d
	s.render(w, r, status, "agent_team", p, "")
}
