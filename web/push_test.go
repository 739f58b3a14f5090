package web_test

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"inboxdesk/push"
	"inboxdesk/ticket"
	"inboxdesk/web"
)

const firefoxUA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

func newPushEnv(t *testing.T) *env {
	t.Helper()
	keys, err := push.GenerateVAPIDKeys()
	if err != nil {
		t.Fatal(err)
	}
	return newEnv(t, func(c *web.Config, _ *web.Deps) { c.PushPublicKey = keys.Public })
}

// subscriptionJSON is what PushSubscription.toJSON gives for a fresh browser key.
func subscriptionJSON(t testing.TB, endpoint string) string {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	_, _ = rand.Read(auth)
	b64 := base64.RawURLEncoding.EncodeToString
	return fmt.Sprintf(`{"endpoint":%q,"expirationTime":null,"keys":{"p256dh":%q,"auth":%q}}`,
		endpoint, b64(k.PublicKey().Bytes()), b64(auth))
}

// postJSON posts body as the push script does, with token in X-CSRF-Token ("" for none).
func (b *browser) postJSON(path, body, token string) *page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", firefoxUA)
	if token != "" {
		req.Header.Set("X-CSRF-Token", token)
	}
	return b.do(req)
}

// subscribe turns notifications on from My tickets and returns the new id.
func (b *browser) subscribe(endpoint string) int64 {
	b.t.Helper()
	return b.subscribeFrom("/my", endpoint)
}

// subscribeFrom turns notifications on with the #push-enable control of the
// page at path and returns the new id.
func (b *browser) subscribeFrom(path, endpoint string) int64 {
	b.t.Helper()
	my := b.get(path)
	btn := my.byID("push-enable")
	if btn == nil {
		b.t.Fatalf("%s has no #push-enable\n%s", path, my.body)
	}
	p := b.postJSON(attr(btn, "data-subscribe"), subscriptionJSON(b.t, endpoint), attr(btn, "data-csrf"))
	if p.status != http.StatusCreated {
		b.t.Fatalf("subscribe: %d %s", p.status, p.body)
	}
	var out struct{ ID int64 }
	if err := json.Unmarshal([]byte(p.body), &out); err != nil || out.ID == 0 {
		b.t.Fatalf("subscribe answered %q", p.body)
	}
	return out.ID
}

func TestPushSubscribeListRemove(t *testing.T) {
	e := newPushEnv(t)
	ana := e.browser()
	ana.signIn("ana@example.org")
	my := ana.get("/my")
	if btn := my.byID("push-enable"); btn == nil || attr(btn, "data-key") == "" ||
		!strings.Contains(attr(btn, "data-worker"), "/static/sw.js") {
		t.Fatalf("push control: %+v", btn)
	}
	laptop := ana.subscribe("https://updates.push.services.mozilla.com/wpush/v2/laptop")
	phone := ana.subscribe("https://fcm.googleapis.com/fcm/send/phone")

	settings := ana.get("/settings")
	settings.want(http.StatusOK)
	if settings.byID("push-settings") == nil || !strings.Contains(settings.text(fmt.Sprintf("push-device-%d", laptop)), "Firefox on Linux") ||
		settings.byID(fmt.Sprintf("push-remove-%d", phone)) == nil {
		t.Fatalf("settings page lacks the devices\n%s", settings.body)
	}
	if strings.Contains(settings.body, "fcm.googleapis.com") {
		t.Error("settings page shows an endpoint (a capability URL)")
	}
	p := ana.post(fmt.Sprintf("/push/subscriptions/%d/delete", laptop), url.Values{"csrf": {settings.input("csrf")}})
	p.want(http.StatusOK)
	if p.url.Path != "/settings" || p.byID(fmt.Sprintf("push-device-%d", laptop)) != nil || p.byID("flash") == nil {
		t.Fatalf("after remove: %s\n%s", p.url, p.body)
	}
	if p.byID(fmt.Sprintf("push-device-%d", phone)) == nil {
		t.Fatal("removing one device removed the other")
	}
}

func TestPushRemoveOtherCustomersDeviceRefused(t *testing.T) {
	e := newPushEnv(t)
	ana, bob := e.browser(), e.browser()
	ana.signIn("ana@example.org")
	bob.signIn("bob@example.org")
	id := ana.subscribe("https://fcm.googleapis.com/fcm/send/ana")
	page := bob.get("/settings")
	if page.byID(fmt.Sprintf("push-device-%d", id)) != nil {
		t.Fatal("bob's settings list ana's device")
	}
	p := bob.post(fmt.Sprintf("/push/subscriptions/%d/delete", id), url.Values{"csrf": {page.input("csrf")}})
	if p.status != http.StatusNotFound {
		t.Fatalf("bob removing ana's device: status %d", p.status)
	}
	if ana.get("/settings").byID(fmt.Sprintf("push-device-%d", id)) == nil {
		t.Fatal("ana's device is gone")
	}
}

func TestPushPostsWithoutCSRFRefused(t *testing.T) {
	e := newPushEnv(t)
	ana := e.browser()
	ana.signIn("ana@example.org")
	body := subscriptionJSON(t, "https://fcm.googleapis.com/fcm/send/x")
	if p := ana.postJSON("/push/subscriptions", body, ""); p.status != http.StatusForbidden {
		t.Fatalf("subscribe without token: %d", p.status)
	}
	if p := ana.postJSON("/push/subscriptions", body, strings.Repeat("x", 43)); p.status != http.StatusForbidden {
		t.Fatalf("subscribe with a wrong token: %d", p.status)
	}
	id := ana.subscribe("https://fcm.googleapis.com/fcm/send/y")
	if p := ana.post(fmt.Sprintf("/push/subscriptions/%d/delete", id), url.Values{}); p.status != http.StatusForbidden {
		t.Fatalf("remove without token: %d", p.status)
	}
	if p := ana.post("/settings/channels", url.Values{"channels": {"email"}}); p.status != http.StatusForbidden {
		t.Fatalf("channels without token: %d", p.status)
	}
	c, _ := e.tickets.CustomerByEmail(e.ctx, "ana@example.org")
	subs, _ := e.tickets.PushSubscriptionsByCustomer(e.ctx, c.ID)
	ch, _ := e.tickets.AlertChannelsOf(e.ctx, c.ID)
	if len(subs) != 1 || ch != ticket.ChannelsBoth {
		t.Fatalf("refused posts changed something: %d devices, channels %s", len(subs), ch)
	}
	visitor := e.browser()
	if p := visitor.postJSON("/push/subscriptions", body, ""); p.status != http.StatusForbidden {
		t.Fatalf("visitor subscribe: %d", p.status)
	}
}

func TestPushSubscribeRefusesUnusableSubscription(t *testing.T) {
	e := newPushEnv(t)
	ana := e.browser()
	ana.signIn("ana@example.org")
	token := attr(ana.get("/my").byID("push-enable"), "data-csrf")
	for _, body := range []string{
		subscriptionJSON(t, "http://fcm.googleapis.com/fcm/send/x"),
		subscriptionJSON(t, "https://127.0.0.1/internal"),
		`{"endpoint":"https://fcm.googleapis.com/fcm/send/x"}`,
		`not json`,
	} {
		if p := ana.postJSON("/push/subscriptions", body, token); p.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", body, p.status)
		}
	}
}

func TestPushChannelChoice(t *testing.T) {
	e := newPushEnv(t)
	ana := e.browser()
	ana.signIn("ana@example.org")
	page := ana.get("/settings")
	if !hasAttr(page.byID("channels-both"), "checked") {
		t.Fatalf("default choice is not 'both'\n%s", page.body)
	}
	p := ana.post("/settings/channels", url.Values{"csrf": {page.input("csrf")}, "channels": {"email"}})
	p.want(http.StatusOK)
	if !hasAttr(p.byID("channels-email"), "checked") || p.byID("flash") == nil {
		t.Fatalf("after saving 'email'\n%s", p.body)
	}
	c, _ := e.tickets.CustomerByEmail(e.ctx, "ana@example.org")
	if ch, _ := e.tickets.AlertChannelsOf(e.ctx, c.ID); ch != ticket.ChannelsEmail {
		t.Fatalf("stored choice %q", ch)
	}
	if p := ana.post("/settings/channels", url.Values{"csrf": {page.input("csrf")}, "channels": {"fax"}}); p.status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown choice: %d", p.status)
	}
}

func TestPushOffWithoutKey(t *testing.T) {
	e := newEnv(t, nil)
	ana := e.browser()
	ana.signIn("ana@example.org")
	if ana.get("/my").byID("push-enable") != nil {
		t.Fatal("push control shown without a VAPID key")
	}
	if p := ana.get("/settings"); p.status != http.StatusNotFound {
		t.Fatalf("/settings without push: %d", p.status)
	}
}

// hasAttr reports whether the element has the attribute (checked="" counts).
func hasAttr(n *html.Node, key string) bool {
	if n == nil {
		return false
	}
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func TestAgentTicketShowsAlertStatePerChannel(t *testing.T) {
	e := newPushEnv(t)
	ana := e.browser()
	ana.signIn("ana@example.org")
	ana.subscribe("https://fcm.googleapis.com/fcm/send/ana")
	n := e.mailIn(mail("ana@example.org", "Printer", "it jams", ""))
	e.deliverAlerts() // the acknowledgement
	agent, _ := e.agentBrowser("zoe@example.com")
	page := agent.get(fmt.Sprintf("/agent/tickets/%d", n))
	agent.act(n, page, "reply", "try the other tray").want(http.StatusOK)

	jobs, err := e.tickets.ClaimAlerts(e.ctx, 10, time.Minute)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("claimed %+v, %v; want the reply by email and by push", jobs, err)
	}
	for _, j := range jobs {
		if j.Channel == "push" {
			err = e.tickets.FailAlert(e.ctx, j.ID, "push service: 400 Bad Request")
		} else {
			err = e.tickets.MarkAlertsSent(e.ctx, []int64{j.ID})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	page = agent.get(fmt.Sprintf("/agent/tickets/%d", n))
	states := map[string]string{}
	walk(page.doc(), func(h *html.Node) {
		if h.Type == html.ElementNode && attr(h, "data-reason") == "replied" {
			states[attr(h, "data-channel")] = attr(h, "data-state")
		}
	})
	if states["email"] != "sent" || states["push"] != "failed" || !strings.Contains(page.body, "400 Bad Request") {
		t.Fatalf("agent page alert states %v\n%s", states, page.text("alerts"))
	}
}

// The texts the push card shows as the browser answers are plain text: an
// attribute whose name html/template reads as an event handler (data-on…)
// would be written as a quoted script string, and the card would show the
// quotes.
func TestPushCardTextsHaveNoQuotes(t *testing.T) {
	e := newPushEnv(t)
	ana := e.browser()
	ana.signIn("ana@example.org")
	btn := ana.get("/my").byID("push-enable")
	if btn == nil {
		t.Fatal("no push control")
	}
	want := map[string]string{
		"data-enabled": "Notifications are on for this device.",
		"data-denied":  "Your browser blocks notifications from this site. Allow them in the browser's site settings, then try again.",
		"data-failed":  "Notifications could not be turned on in this browser. Alerts still come by email.",
	}
	for name, text := range want {
		if got := attr(btn, name); got != text {
			t.Errorf("%s = %q, want %q", name, got, text)
		}
	}
}
