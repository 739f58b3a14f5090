package web

import (
	"net/http"

	"inboxdesk/ticket"
)

// webhookDeliveriesShown is how many of a webhook's latest deliveries the page lists.
const webhookDeliveriesShown = 5

// webhooksData is the webhooks page; Secret is set once, right after a
// webhook was added, and never again.
type webhooksData struct {
	Hooks  []webhookView
	Events []string // the events a webhook may be registered for
	Secret string
	URL    string          // the add form's values after a refused add
	Picked map[string]bool // (by event)
}

type webhookView struct {
	ticket.Webhook
	Deliveries []ticket.WebhookDelivery
}

// webhooksDone are the flashes the page shows after an action (?done=).
var webhooksDone = map[string]string{"removed": "webhooks_removed"}

// agentWebhooksShow lists the webhooks with their latest deliveries, and
// the form to add one.
func (s *Server) agentWebhooksShow(w http.ResponseWriter, r *http.Request) {
	p := &page{}
	if key, ok := webhooksDone[r.URL.Query().Get("done")]; ok {
		p.Flash = note(key)
	}
	s.renderWebhooks(w, r, http.StatusOK, p, webhooksData{})
}

func (s *Server) renderWebhooks(w http.ResponseWriter, r *http.Request, status int, p *page, d webhooksData) {
	ctx := r.Context()
	hooks, err := s.deps.Tickets.Webhooks(ctx)
	if err != nil {
		s.serverError(w, r, "webhooks", err)
		return
	}
	for _, h := range hooks {
		h.Secret = "" // shown once, when added
		v := webhookView{Webhook: h}
		if v.Deliveries, err = s.deps.Tickets.WebhookDeliveries(ctx, h.ID, webhookDeliveriesShown); err != nil {
			s.serverError(w, r, "webhook deliveries", err)
			return
		}
		d.Hooks = append(d.Hooks, v)
	}
	if d.Events, err = s.deps.Tickets.WebhookEvents(ctx); err != nil {
		s.serverError(w, r, "webhook events", err)
		return
	}
	p.Data = d
	s.render(w, r, status, "agent_webhooks", p, "")
}
