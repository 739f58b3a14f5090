package web

import "net/http"

// agentRoutes registers the agent view. Every page but sign-in needs an
// agent session: a visitor is sent to /agent/login, a customer gets 403.
// Forms with files are read only after that check.
func (s *Server) agentRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /agent/login", s.agentLoginShow)
	mux.HandleFunc("POST /agent/login", s.post(s.agentLoginCheck))

	mux.HandleFunc("GET /agent", s.agent(s.agentQueueShow))
	mux.HandleFunc("GET /agent/tickets", s.agent(s.agentQueueShow))
	mux.HandleFunc("GET /agent/tickets/{number}", s.agent(s.agentTicketShow))
	mux.HandleFunc("POST /agent/tickets/{number}/act", s.agent(s.postFiles(s.agentTicketAct)))
	mux.HandleFunc("POST /agent/tickets/{number}/assign", s.agent(s.post(s.agentTicketAssign)))
	mux.HandleFunc("POST /agent/tickets/{number}/language", s.agent(s.post(s.agentTicketLanguage)))
	mux.HandleFunc("POST /agent/tickets/{number}/participants", s.agent(s.post(s.agentParticipantAdd)))
	mux.HandleFunc("POST /agent/tickets/{number}/merge", s.agent(s.post(s.agentTicketMerge)))
	mux.HandleFunc("POST /agent/tickets/{number}/split", s.agent(s.post(s.agentTicketSplit)))
	mux.HandleFunc("POST /agent/tickets/{number}/participants/{customer}/remove", s.agent(s.post(s.agentParticipantRemove)))
	mux.HandleFunc("GET /agent/events", s.agent(s.agentEventsStream))

	mux.HandleFunc("GET /agent/quarantine", s.agent(s.agentQuarantineShow))
	mux.HandleFunc("GET /agent/quarantine/{id}/raw", s.agent(s.agentQuarantineRaw))
	mux.HandleFunc("POST /agent/quarantine/{id}/retry", s.agent(s.post(s.agentQuarantineRetry)))
	mux.HandleFunc("POST /agent/quarantine/{id}/discard", s.agent(s.post(s.agentQuarantineDiscard)))

	mux.HandleFunc("GET /agent/tokens", s.agent(s.agentTokensShow))
	mux.HandleFunc("POST /agent/tokens", s.agent(s.post(s.agentTokenCreate)))
	mux.HandleFunc("POST /agent/tokens/{id}/revoke", s.agent(s.post(s.agentTokenRevoke)))
	s.agentTeamRoutes(mux)
}
