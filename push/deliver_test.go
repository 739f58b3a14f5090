package push_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"inboxdesk/link"
	"inboxdesk/outbound"
	"inboxdesk/push"
	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

const subject = "mailto:ops@example.com"

// emailBox records the email alerts the sender hands out.
type emailBox struct {
	mu   sync.Mutex
	jobs []ticket.AlertJob
}

func (b *emailBox) Deliver(_ context.Context, job ticket.AlertJob) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.jobs = append(b.jobs, job)
	return nil
}

func (b *emailBox) to(email string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, j := range b.jobs {
		if j.Recipient.Email == email {
			n++
		}
	}
	return n
}

// rig is the real store on a test database, the real sender with an email
// recorder and the push deliverer, and a local push service.
type rig struct {
	t      *testing.T
	ctx    context.Context
	store  *storage.Store
	keys   *link.Keyring
	push   *pushService
	email  *emailBox
	sender *outbound.Sender
}

func newRig(t *testing.T) *rig {
	t.Helper()
	ctx := context.Background()
	cfg := storage.DefaultConfig()
	cfg.CoalesceWindow = 0
	r := &rig{t: t, ctx: ctx, store: storage.New(pgtest.New(t), cfg), email: &emailBox{}}
	// The key pair is generated and stored on first start (none configured).
	vapid, err := r.store.VAPIDKeys(ctx, push.GenerateVAPIDKeys)
	if err != nil {
		t.Fatal(err)
	}
	if r.keys, err = link.ParseKeys(link.GenerateKey()); err != nil {
		t.Fatal(err)
	}
	r.push = newPushService(t, vapid.Public)
	base, _ := link.ParseBaseURL("https://help.example.com")
	d, err := push.Open(ctx, push.Config{Subject: subject, LinkKeys: r.keys, BaseURL: base,
		HTTPClient: r.push.srv.Client()}, r.store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if d.PublicKey() != vapid.Public {
		t.Fatal("Open did not take the stored key pair")
	}
	r.sender, err = outbound.NewSender(outbound.SenderConfig{Queue: r.store,
		Deliverers: map[string]outbound.Deliverer{"email": r.email, "push": d},
		RetryBase:  time.Millisecond, RetryMax: 5 * time.Millisecond, MaxTries: 5,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// ticketFor opens a web ticket for a new customer and sends its acknowledgement.
func (r *rig) ticketFor(email string) (*ticket.Customer, *ticket.Ticket) {
	r.t.Helper()
	c, err := r.store.EnsureCustomer(r.ctx, email, "en")
	if err != nil {
		r.t.Fatal(err)
	}
	tk, err := r.store.OpenFromWeb(r.ctx, c.ID, "Printer", ticket.Post{Text: "it jams"})
	if err != nil {
		r.t.Fatal(err)
	}
	r.sendAll()
	return c, tk
}

// subscribe stores a subscription of a new device registered at the push service.
func (r *rig) subscribe(c *ticket.Customer, name string, answers ...int) *ticket.PushSubscription {
	r.t.Helper()
	d := newDevice(r.t)
	sub, err := r.store.SavePushSubscription(r.ctx, subscription(c.ID, r.push.endpoint(name, d, answers...), d))
	if err != nil {
		r.t.Fatal(err)
	}
	return sub
}

func (r *rig) reply(tk *ticket.Ticket, text string) {
	r.t.Helper()
	if _, err := r.store.Act(r.ctx, 0, ticket.ActReply, ticket.Post{TicketID: tk.ID, Text: text}); err != nil {
		r.t.Fatal(err)
	}
	r.sendAll()
}

// sendAll runs the sender until no alert is due or waiting for a retry.
func (r *rig) sendAll() {
	r.t.Helper()
	for i := 0; i < 100; i++ {
		if _, err := r.sender.RunOnce(r.ctx); err != nil {
			r.t.Fatal(err)
		}
		var due int
		_ = r.store.Pool().QueryRow(r.ctx, `SELECT count(*) FROM alerts WHERE state IN ('queued', 'sending')`).Scan(&due)
		if due == 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.t.Fatal("queue did not drain")
}

// pushAlert returns the ticket's only push alert.
func (r *rig) pushAlert(tk *ticket.Ticket) ticket.Alert {
	r.t.Helper()
	alerts, err := r.store.AlertsByTicket(r.ctx, tk.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	var found []ticket.Alert
	for _, a := range alerts {
		if a.Channel == "push" {
			found = append(found, a)
		}
	}
	if len(found) != 1 {
		r.t.Fatalf("push alerts %+v, want one", found)
	}
	return found[0]
}

func TestAgentReplyPushesEncryptedNotifyOnlyPayload(t *testing.T) {
	r := newRig(t)
	ana, tk := r.ticketFor("ana@example.org")
	_, guestTicket := r.ticketFor("guest@example.org")
	r.subscribe(ana, "ana-laptop")
	const secret = "the refund code is ZEBRA-4471"
	r.reply(tk, secret)
	r.reply(guestTicket, secret)

	got := r.push.received()
	if len(got) != 1 {
		t.Fatalf("push service got %d pushes, want 1 (the guest has no device): %+v", len(got), got)
	}
	p := got[0]
	if p.Payload.Ticket != tk.Number || p.Payload.Reason != ticket.ReasonReplied || p.Payload.Body == "" ||
		!strings.Contains(p.Payload.Title, ticketNumber(tk.Number)) {
		t.Errorf("payload %+v", p.Payload)
	}
	if strings.Contains(p.Payload.Title+p.Payload.Body+p.Payload.URL, "ZEBRA") {
		t.Errorf("payload carries message content: %+v", p.Payload)
	}
	checkLink(t, r, p.Payload.URL, tk.Number, "ana@example.org")
	if p.TTL != "86400" || p.Urgency != "normal" {
		t.Errorf("TTL %q, Urgency %q; want 86400 and normal", p.TTL, p.Urgency)
	}
	checkClaims(t, r.push, p.JWT, subject)
	if a := r.pushAlert(tk); a.State != ticket.AlertSent || a.Tries != 1 {
		t.Errorf("push alert %+v, want sent at the first try", a)
	}
	// Each got the acknowledgement and the reply by email.
	if r.email.to("ana@example.org") != 2 || r.email.to("guest@example.org") != 2 {
		t.Errorf("emails: ana %d, guest %d; want 2 each", r.email.to("ana@example.org"), r.email.to("guest@example.org"))
	}
}

func ticketNumber(n int64) string { return strconv.FormatInt(n, 10) }

// checkLink checks that the payload's URL is the ticket's magic link for the address.
func checkLink(t *testing.T, r *rig, raw string, number int64, email string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Host != "help.example.com" || u.Path != "/t/"+ticketNumber(number) {
		t.Fatalf("link %q", raw)
	}
	c, err := r.keys.VerifyFor(u.Query().Get("k"), time.Now(), number, link.PurposeTicket)
	if err != nil || !c.SameAddress(email) {
		t.Fatalf("link token: %+v, %v", c, err)
	}
}

func TestGoneSubscriptionIsRemovedOthersStillDelivered(t *testing.T) {
	r := newRig(t)
	ana, tk := r.ticketFor("ana@example.org")
	r.subscribe(ana, "old-phone", http.StatusGone)
	r.subscribe(ana, "lost-tablet", http.StatusNotFound)
	r.subscribe(ana, "laptop")
	r.reply(tk, "r")
	subs, _ := r.store.PushSubscriptionsByCustomer(r.ctx, ana.ID)
	if len(subs) != 1 || !strings.HasSuffix(subs[0].Endpoint, "/laptop") {
		t.Fatalf("devices left %+v, want the laptop only", subs)
	}
	if got := r.push.received(); len(got) != 1 || got[0].Device != "laptop" {
		t.Fatalf("delivered %+v, want one push to the laptop", got)
	}
	if a := r.pushAlert(tk); a.State != ticket.AlertSent || a.Tries != 1 {
		t.Fatalf("push alert %+v, want sent without a retry", a)
	}
}

func TestOnlyDeviceGoneFailsAlertVisibly(t *testing.T) {
	r := newRig(t)
	ana, tk := r.ticketFor("ana@example.org")
	r.subscribe(ana, "old-phone", http.StatusGone)
	r.reply(tk, "r")
	if subs, _ := r.store.PushSubscriptionsByCustomer(r.ctx, ana.ID); len(subs) != 0 {
		t.Fatalf("devices left %+v", subs)
	}
	if a := r.pushAlert(tk); a.State != ticket.AlertFailed || a.Tries != 1 || a.LastError == "" {
		t.Fatalf("push alert %+v, want failed once with a reason", a)
	}
	if r.push.triesOf("old-phone") != 1 {
		t.Fatalf("gone endpoint tried %d times, want 1", r.push.triesOf("old-phone"))
	}
}

func TestTooManyRequestsThenCreatedDeliversOnce(t *testing.T) {
	r := newRig(t)
	ana, tk := r.ticketFor("ana@example.org")
	r.subscribe(ana, "busy", http.StatusTooManyRequests, http.StatusServiceUnavailable)
	r.subscribe(ana, "calm")
	r.reply(tk, "r")
	a := r.pushAlert(tk)
	if a.State != ticket.AlertSent || a.Tries != 3 {
		t.Fatalf("push alert %+v, want sent at the third try", a)
	}
	perDevice := map[string]int{}
	for _, p := range r.push.received() {
		perDevice[p.Device]++
	}
	if perDevice["busy"] != 1 || perDevice["calm"] != 1 || r.push.triesOf("calm") != 1 {
		t.Fatalf("deliveries %v (calm tried %d times), want one per device", perDevice, r.push.triesOf("calm"))
	}
	if r.email.to("ana@example.org") != 2 {
		t.Fatalf("emails %d, want the acknowledgement and one for the reply", r.email.to("ana@example.org"))
	}
}

func TestEmailPreferenceSuppressesPush(t *testing.T) {
	r := newRig(t)
	ana, tk := r.ticketFor("ana@example.org")
	r.subscribe(ana, "laptop")
	if err := r.store.SetAlertChannels(r.ctx, ana.ID, ticket.ChannelsEmail); err != nil {
		t.Fatal(err)
	}
	r.reply(tk, "r")
	if got := r.push.received(); len(got) != 0 || r.email.to("ana@example.org") != 2 {
		t.Fatalf("pushes %d, emails %d; want email only", len(got), r.email.to("ana@example.org"))
	}
}
