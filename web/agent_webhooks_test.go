package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"inboxdesk/ticket"
	"inboxdesk/web"
)

func (e *env) webhooks() []ticket.Webhook {
	e.t.Helper()
	hooks, err := e.tickets.Webhooks(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return hooks
}

func TestWebhooksPageRefusesAgents(t *testing.T) {
	e := newEnv(t, nil)
	id, err := e.tickets.AddWebhook(e.ctx, ticket.Webhook{URL: "https://hooks.example.com/in", Events: []string{"ticket.created"}, Secret: "whsec_AAAA"})
	if err != nil {
		t.Fatal(err)
	}
	agent, _ := e.agentBrowser("zoe@support.test")
	p := agent.get("/agent")
	if p.byID("nav-webhooks") != nil {
		t.Error("an agent's navigation links the webhooks page")
	}
	if r := agent.get("/agent/webhooks"); r.status != http.StatusForbidden || strings.Contains(r.body, "hooks.example.com") {
		t.Errorf("GET /agent/webhooks as agent: %d, want 403", r.status)
	}
	for path, form := range map[string]url.Values{
		"/agent/webhooks": {"url": {"https://evil.example.com/in"}, "event": {"ticket.created"}},
		fmt.Sprintf("/agent/webhooks/%d/remove", id): {},
	} {
		form.Set("csrf", p.input("csrf"))
		if r := agent.post(path, form); r.status != http.StatusForbidden || !strings.Contains(r.body, "Only an admin") {
			t.Errorf("POST %s as agent: %d, want 403", path, r.status)
		}
	}
	if hooks := e.webhooks(); len(hooks) != 1 || hooks[0].URL != "https://hooks.example.com/in" {
		t.Fatalf("refused requests changed the webhooks: %+v", hooks)
	}
}

func TestAdminAddsListsAndRemovesWebhooks(t *testing.T) {
	e := newEnv(t, nil)
	admin, _ := e.adminBrowser("lee@support.test")
	p := admin.get("/agent/webhooks")
	p.want(http.StatusOK, "No webhooks yet", `value="ticket.created"`, `value="agent.replied"`)
	if admin.get("/agent").byID("nav-webhooks") == nil {
		t.Error("an admin's navigation does not link the webhooks page")
	}
	csrf := p.input("csrf")
	add := func(csrf, u string, events ...string) *page {
		return admin.post("/agent/webhooks", url.Values{"csrf": {csrf}, "url": {u}, "event": events})
	}
	add(csrf, "https://127.0.0.1/hook", "ticket.created").want(http.StatusUnprocessableEntity, "cannot receive webhooks", "https://127.0.0.1/hook")
	add(csrf, "http://10.1.2.3/hook", "ticket.created").want(http.StatusUnprocessableEntity, "cannot receive webhooks")
	add(csrf, "https://hooks.example.com/in").want(http.StatusUnprocessableEntity, "Pick one or more events")
	add(csrf, "https://hooks.example.com/in", "ticket.nonsense").want(http.StatusUnprocessableEntity, "Pick one or more events")
	if r := add("wrong", "https://hooks.example.com/in", "ticket.created"); r.status != http.StatusForbidden {
		t.Errorf("add with a bad CSRF token: %d, want 403", r.status)
	}
	if hooks := e.webhooks(); len(hooks) != 0 {
		t.Fatalf("refused adds stored webhooks: %+v", hooks)
	}

	r := add(csrf, "https://hooks.example.com/in", "ticket.created", "agent.replied")
	r.want(http.StatusOK, "Webhook added.")
	hooks := e.webhooks()
	if len(hooks) != 1 || hooks[0].URL != "https://hooks.example.com/in" || strings.Join(hooks[0].Events, ",") != "ticket.created,agent.replied" {
		t.Fatalf("stored webhooks: %+v", hooks)
	}
	secret := hooks[0].Secret
	if got := r.text("webhook-secret"); !strings.HasPrefix(secret, "whsec_") || !strings.Contains(got, secret) {
		t.Fatalf("secret shown %q, stored %q", got, secret)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Error("the page with the secret may be cached")
	}

	// A ticket queues a delivery; the page shows it with its last answer.
	e.mailIn(mail("ana@example.org", "Printer", "it jams", ""))
	ds, err := e.tickets.WebhookDeliveries(e.ctx, hooks[0].ID, 5)
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries %+v %v", ds, err)
	}
	if err := e.tickets.FinishWebhookJob(e.ctx, ds[0].ID, ticket.WebhookResult{Status: 503, Response: "busy-upstream-7Z", Err: "HTTP 503", Retry: 1}); err != nil {
		t.Fatal(err)
	}
	p = admin.get("/agent/webhooks")
	p.want(http.StatusOK, "https://hooks.example.com/in", "ticket.created", "503")
	if strings.Contains(p.body, secret) {
		t.Fatal("the webhooks page shows the secret again")
	}
	if got := p.text(fmt.Sprintf("delivery%d", ds[0].ID)); !strings.Contains(got, "Queued") || !strings.Contains(got, "HTTP 503") {
		t.Errorf("delivery row %q", got)
	}

	r = admin.post(fmt.Sprintf("/agent/webhooks/%d/remove", hooks[0].ID), url.Values{"csrf": {csrf}})
	r.want(http.StatusOK, "Webhook removed.", "No webhooks yet")
	if hooks := e.webhooks(); len(hooks) != 0 {
		t.Fatalf("after remove: %+v", hooks)
	}
	if r := admin.post(fmt.Sprintf("/agent/webhooks/%d/remove", hooks[0].ID), url.Values{"csrf": {csrf}}); r.status != http.StatusNotFound {
		t.Errorf("removing a removed webhook: %d, want 404", r.status)
	}
}

// The allow-private setting lets admins register local targets, as the CLI's.
func TestWebhooksAllowPrivateSetting(t *testing.T) {
	e := newEnv(t, func(c *web.Config, _ *web.Deps) { c.WebhookAllowPrivate = true })
	admin, _ := e.adminBrowser("lee@support.test")
	csrf := admin.get("/agent/webhooks").input("csrf")
	admin.post("/agent/webhooks", url.Values{"csrf": {csrf}, "url": {"http://127.0.0.1:9/hook"}, "event": {"ticket.created"}}).
		want(http.StatusOK, "Webhook added.")
	if hooks := e.webhooks(); len(hooks) != 1 || hooks[0].URL != "http://127.0.0.1:9/hook" {
		t.Fatalf("stored webhooks: %+v", hooks)
	}
}
