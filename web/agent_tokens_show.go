package web

import (
	"net/http"

	"inboxdesk/auth"
)

// tokensData is the agent's API tokens page; Secret is set once, right
// after a token was made, and never again.
type tokensData struct {
	Tokens []auth.APIToken
	Secret string
}

// agentTokensShow lists the signed-in agent's personal access tokens for the
// REST API, with a form to make one and a revoke button each.
func (s *Server) agentTokensShow(w http.ResponseWriter, r *http.Request) {
	var flash *notice
	if r.URL.Query().Get("done") == "revoked" {
		flash = note("agent_tokens_revoked")
	}
	s.renderTokens(w, r, http.StatusOK, "", flash)
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, status int, secret string, flash *notice) {
	list, err := s.deps.Auth.APITokens(r.Context(), sessionFrom(r).Email)
	if err != nil {
		s.serverError(w, r, "api tokens", err)
		return
	}
	s.render(w, r, status, "agent_tokens", &page{Data: tokensData{Tokens: list, Secret: secret}, Flash: flash}, "")
}
