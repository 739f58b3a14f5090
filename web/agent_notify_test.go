package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"inboxdesk/ticket"
)

func TestAgentNotifySettings(t *testing.T) {
	e := newEnv(t, nil)
	zoe, zoeID := e.agentBrowser("zoe@support.test")
	p := zoe.get("/agent/notifications")
	p.want(http.StatusOK, "Mailboxes I follow")
	form := url.Values{"csrf": {p.input("csrf")}, "event": {"new_ticket", "assigned"},
		"follow": {fmt.Sprint(e.cp.MailboxID)}, "quiet": {"1"}, "quiet_from": {"22:00"}, "quiet_to": {"07:30"}}
	zoe.post("/agent/notifications", form).want(http.StatusOK, "Notification settings saved")
	set, err := e.tickets.AgentNotifyOf(e.ctx, zoeID)
	if err != nil || len(set.Events) != 2 || !set.Quiet || set.QuietFrom != 22*60 || set.QuietTo != 7*60+30 ||
		len(set.Follows) != 1 || set.Follows[0] != e.cp.MailboxID {
		t.Fatalf("saved settings = %+v, %v", set, err)
	}
	p = zoe.get("/agent/notifications")
	if !strings.Contains(p.body, `id="event-assigned" checked`) || strings.Contains(p.body, `id="event-mentioned" checked`) ||
		p.input("quiet_from") != "22:00" {
		t.Fatal("the page does not show the saved choices")
	}
	form.Set("quiet_to", "25:00")
	if r := zoe.post("/agent/notifications", form); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad quiet hours: %d", r.status)
	}
	if set, _ := e.tickets.AgentNotifyOf(e.ctx, zoeID); set.QuietTo != 7*60+30 {
		t.Fatal("refused quiet hours changed the settings")
	}
	// A new mail in the followed mailbox queues Zoe a notice in the outbox.
	n := e.mailIn(mail("ana@example.org", "Broken", "help", ""))
	var reasons []string
	for _, a := range e.alerts(n) {
		if a.Recipient == "zoe@support.test" {
			reasons = append(reasons, string(a.Reason))
		}
	}
	if len(reasons) != 1 || reasons[0] != string(ticket.EventNewTicket.Reason()) {
		t.Fatalf("Zoe's notices: %v", reasons)
	}
}

// The signature is added below replies and shown on the customer's page.
func TestAgentSignature(t *testing.T) {
	e := newEnv(t, nil)
	zoe, _ := e.agentBrowser("zoe@support.test")
	p := zoe.get("/agent/notifications")
	zoe.post("/agent/signature", url.Values{"csrf": {p.input("csrf")}, "signature": {"Zoe, Example Support"}}).
		want(http.StatusOK, "Signature saved", "Zoe, Example Support")
	if r := zoe.post("/agent/signature", url.Values{"csrf": {p.input("csrf")}, "signature": {strings.Repeat("x", 1001)}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("long signature: %d", r.status)
	}
	n := e.mailIn(mail("ana@example.org", "Broken", "help", ""))
	zoe.act(n, zoe.get(fmt.Sprintf("/agent/tickets/%d", n)), "reply", "Fixed.").want(http.StatusOK)
	c := e.browser()
	c.signIn("ana@example.org")
	c.get(fmt.Sprintf("/tickets/%d", n)).want(http.StatusOK, "Fixed.", "Zoe, Example Support")
}

// An agent subscribes a browser from the Notifications page and chooses the
// channels; a new mail then queues a push notice and no email.
func TestAgentNotifyChannelsAndPush(t *testing.T) {
	e := newPushEnv(t)
	zoe, zoeID := e.agentBrowser("zoe@support.test")
	id := zoe.subscribeFrom("/agent/notifications", "https://push.example.net/send/zoe-laptop")
	subs, err := e.tickets.PushSubscriptionsByAgent(e.ctx, zoeID)
	if err != nil || len(subs) != 1 || subs[0].ID != id || subs[0].CustomerID != 0 {
		t.Fatalf("Zoe's devices %+v, %v", subs, err)
	}
	p := zoe.get("/agent/notifications")
	form := url.Values{"csrf": {p.input("csrf")}, "event": {"new_ticket"}, "follow": {fmt.Sprint(e.cp.MailboxID)},
		"channels": {"sms"}}
	if r := zoe.post("/agent/notifications", form); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, "Choose email, browser notification, or both.") {
		t.Fatalf("unknown channels: %d", r.status)
	}
	if set, _ := e.tickets.AgentNotifyOf(e.ctx, zoeID); set.Channels != ticket.ChannelsEmail || len(set.Follows) != 0 {
		t.Fatalf("refused form changed the settings: %+v", set)
	}
	form.Set("channels", "push")
	zoe.post("/agent/notifications", form).want(http.StatusOK, "Notification settings saved")
	if p := zoe.get("/agent/notifications"); !strings.Contains(p.body, `<option value="push" selected>`) {
		t.Fatal("the page does not show the saved channels")
	}
	n := e.mailIn(mail("ana@example.org", "Broken", "help", ""))
	var channels []string
	for _, a := range e.alerts(n) {
		if a.Recipient == "zoe@support.test" {
			channels = append(channels, a.Channel)
		}
	}
	if len(channels) != 1 || channels[0] != "push" {
		t.Fatalf("Zoe's notices on %v, want one push", channels)
	}
}

// A customer cannot subscribe a browser for agent notices.
func TestAgentPushSubscribeRefusesCustomers(t *testing.T) {
	e := newPushEnv(t)
	ana := e.browser()
	ana.signIn("ana@example.org")
	my := ana.get("/my")
	p := ana.postJSON("/agent/push/subscriptions", subscriptionJSON(t, "https://push.example.net/send/x"),
		attr(my.byID("push-enable"), "data-csrf"))
	if p.status == http.StatusCreated {
		t.Fatalf("a customer subscribed for agent notices: %d", p.status)
	}
	var n int
	_ = e.tickets.Pool().QueryRow(e.ctx, `SELECT count(*) FROM push_subscriptions`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d subscriptions stored", n)
	}
}
