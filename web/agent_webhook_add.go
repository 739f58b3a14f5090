package web

import (
	"errors"
	"net/http"
	"strings"

	"inboxdesk/ticket"
	"inboxdesk/webhook"
)

// agentWebhookAdd registers a webhook (the same rules as `inboxdesk webhook
// add`: private and local targets are refused unless the setting allows
// them) and shows its signing secret on this answer only.
func (s *Server) agentWebhookAdd(w http.ResponseWriter, r *http.Request, f *form) {
	rawURL, events := strings.TrimSpace(f.get("url")), f.values["event"]
	id, secret, err := webhook.Register(r.Context(), s.deps.Tickets, rawURL, events, s.cfg.WebhookAllowPrivate)
	var refused *webhook.URLError
	if errors.As(err, &refused) || errors.Is(err, ticket.ErrBadEvents) {
		key := "webhooks_url_refused"
		if refused == nil {
			key = "webhooks_events_bad"
		}
		picked := map[string]bool{}
		for _, e := range events {
			picked[e] = true
		}
		s.renderWebhooks(w, r, http.StatusUnprocessableEntity, &page{Error: note(key)},
			webhooksData{URL: rawURL, Picked: picked})
		return
	}
	if err != nil {
		s.serverError(w, r, "add webhook", err)
		return
	}
	s.log.Info("web: webhook added", "webhook", id, "events", strings.Join(events, ","), "by", sessionFrom(r).AgentID)
	w.Header().Set("Cache-Control", "no-store")
	s.renderWebhooks(w, r, http.StatusOK, &page{Flash: note("webhooks_added")}, webhooksData{Secret: secret})
}
