package web

import (
	"errors"
	"net/http"

	"inboxdesk/ticket"
)

// agentWebhookRemove deletes the webhook in the path and its deliveries.
func (s *Server) agentWebhookRemove(w http.ResponseWriter, r *http.Request, _ *form) {
	id := pathNumber(r, "id")
	err := s.deps.Tickets.RemoveWebhook(r.Context(), id)
	switch {
	case errors.Is(err, ticket.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, "remove webhook", err)
		return
	}
	s.log.Info("web: webhook removed", "webhook", id, "by", sessionFrom(r).AgentID)
	http.Redirect(w, r, s.path("/agent/webhooks?done=removed"), http.StatusSeeOther)
}
