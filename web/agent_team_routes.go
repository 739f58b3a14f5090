package web

import (
	"net/http"
	"time"
)

// inviteTTL is how long an invitation link works.
const inviteTTL = 72 * time.Hour

// agentTeamRoutes registers the team pages: only admins manage agents
// (others get 403), as only they export or erase a customer and manage
// webhooks; an invited agent accepts with the link and a code.
// Canned replies are every agent's; shared ones only admins change.
func (s *Server) agentTeamRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /agent/team", s.admin(s.agentTeamShow))
	mux.HandleFunc("POST /agent/team/invite", s.admin(s.post(s.agentTeamInvite)))
	mux.HandleFunc("POST /agent/team/{id}/disable", s.admin(s.post(s.agentTeamChange)))
	mux.HandleFunc("POST /agent/team/{id}/enable", s.admin(s.post(s.agentTeamChange)))
	mux.HandleFunc("POST /agent/team/{id}/role", s.admin(s.post(s.agentTeamChange)))
	mux.HandleFunc("POST /agent/team/{id}/reset", s.admin(s.post(s.agentTeamReset)))

	mux.HandleFunc("GET /agent/tickets/{number}/customer/export", s.admin(s.agentCustomerExport))
	mux.HandleFunc("POST /agent/tickets/{number}/customer/erase", s.admin(s.post(s.agentCustomerErase)))
	mux.HandleFunc("GET /agent/webhooks", s.admin(s.agentWebhooksShow))
	mux.HandleFunc("POST /agent/webhooks", s.admin(s.post(s.agentWebhookAdd)))
	mux.HandleFunc("POST /agent/webhooks/{id}/remove", s.admin(s.post(s.agentWebhookRemove)))

	mux.HandleFunc("GET /agent/canned", s.agent(s.agentCannedShow))
	mux.HandleFunc("POST /agent/canned", s.agent(s.post(s.agentCannedCreate)))
	mux.HandleFunc("POST /agent/canned/{id}/delete", s.agent(s.post(s.agentCannedDelete)))

	mux.HandleFunc("GET /agent/notifications", s.agent(s.agentNotifyShow))
	mux.HandleFunc("POST /agent/notifications", s.agent(s.post(s.agentNotifySave)))
	mux.HandleFunc("POST /agent/signature", s.agent(s.post(s.agentSignatureSave)))

	mux.HandleFunc("GET /agent/invite", s.agentInviteShow)
	mux.HandleFunc("POST /agent/invite/code", s.post(s.agentInviteCode))
	mux.HandleFunc("POST /agent/invite/accept", s.post(s.agentInviteAccept))
}
