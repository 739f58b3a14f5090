package storage_test

import (
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"inboxdesk/ticket"
)

// subscribe stores a push subscription for the customer with the address.
func (f *fixture) subscribe(email, endpoint string) *ticket.PushSubscription {
	f.t.Helper()
	c, err := f.store.CustomerByEmail(f.ctx, email)
	if err != nil {
		f.t.Fatal(err)
	}
	p, err := f.store.SavePushSubscription(f.ctx, ticket.PushSubscription{CustomerID: c.ID, Endpoint: endpoint,
		P256dh: "key", Auth: "auth", Label: "Firefox on Linux"})
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// channelsOf drains the queue and returns the channels of the due alerts, sorted.
func channelsOf(t *testing.T, f *fixture) []string {
	t.Helper()
	var got []string
	for _, j := range drain(t, f) {
		got = append(got, fmt.Sprintf("%s:%s", j.Channel, j.Reason))
	}
	sort.Strings(got)
	return got
}

func TestAgentReplyAlertsByEmailAndPushPerPreference(t *testing.T) {
	f := newFixture(t, testConfig())
	guest := mustTicket(t, f, f.ingest(mail("guest@example.org", "Help", "x")).Ticket)
	member := mustTicket(t, f, f.ingest(mail("ana@example.org", "Help", "x")).Ticket)
	drain(t, f)
	f.subscribe("ana@example.org", "https://push.example.net/send/1")
	ana, _ := f.store.CustomerByEmail(f.ctx, "ana@example.org")
	cases := []struct {
		name   string
		tk     *ticket.Ticket
		choice ticket.AlertChannels
		want   string
	}{
		{"guest without a device", guest, "", "[email:replied]"},
		{"signed-in with a device, default both", member, "", "[email:replied push:replied]"},
		{"chose email", member, ticket.ChannelsEmail, "[email:replied]"},
		{"chose push", member, ticket.ChannelsPush, "[push:replied]"},
		{"chose both", member, ticket.ChannelsBoth, "[email:replied push:replied]"},
	}
	for _, c := range cases {
		if c.choice != "" {
			if err := f.store.SetAlertChannels(f.ctx, ana.ID, c.choice); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.store.Act(f.ctx, 0, ticket.ActReply, ticket.Post{TicketID: c.tk.ID, Text: "r"}); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(channelsOf(t, f)); got != c.want {
			t.Errorf("%s: alerts %s, want %s", c.name, got, c.want)
		}
	}
}

func TestPushChoiceWithoutDeviceStillEmails(t *testing.T) {
	f := newFixture(t, testConfig())
	tk := mustTicket(t, f, f.ingest(mail("ana@example.org", "Help", "x")).Ticket)
	drain(t, f)
	sub := f.subscribe("ana@example.org", "https://push.example.net/send/1")
	if err := f.store.SetAlertChannels(f.ctx, sub.CustomerID, ticket.ChannelsPush); err != nil {
		t.Fatal(err)
	}
	if err := f.store.DeletePushEndpoint(f.ctx, sub.Endpoint); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Act(f.ctx, 0, ticket.ActResolve, ticket.Post{TicketID: tk.ID}); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(channelsOf(t, f)); got != "[email:resolved]" {
		t.Fatalf("alerts %s, want email only once the last device is gone", got)
	}
}

func TestPushAlertsCoalescePerChannel(t *testing.T) {
	cfg := testConfig()
	cfg.CoalesceWindow = time.Hour
	f := newFixture(t, cfg)
	tk := mustTicket(t, f, f.ingest(mail("ana@example.org", "Help", "x")).Ticket)
	f.subscribe("ana@example.org", "https://push.example.net/send/1")
	for _, act := range []ticket.AgentAction{ticket.ActReply, ticket.ActReply, ticket.ActResolve} {
		if _, err := f.store.Act(f.ctx, 0, act, ticket.Post{TicketID: tk.ID, Text: "r"}); err != nil {
			t.Fatal(err)
		}
	}
	alerts, _ := f.store.AlertsByTicket(f.ctx, tk.ID)
	var got []string
	for _, a := range alerts {
		got = append(got, a.Channel+":"+string(a.Reason))
	}
	// The acknowledgement (email, still waiting) took the newest reason too.
	if fmt.Sprint(got) != "[email:resolved push:resolved]" {
		t.Fatalf("alerts %v, want one per channel, coalesced", got)
	}
}

func TestPushSubscriptionsPerCustomer(t *testing.T) {
	f := newFixture(t, testConfig())
	f.ingest(mail("ana@example.org", "Help", "x"))
	f.ingest(mail("bob@example.org", "Help", "x"))
	a1 := f.subscribe("ana@example.org", "https://push.example.net/a1")
	f.subscribe("ana@example.org", "https://push.example.net/a2")
	b1 := f.subscribe("bob@example.org", "https://push.example.net/b1")
	if err := f.store.DeletePushSubscription(f.ctx, a1.CustomerID, b1.ID); !errors.Is(err, ticket.ErrNotFound) {
		t.Fatalf("removing another customer's device: err = %v, want ErrNotFound", err)
	}
	if err := f.store.DeletePushSubscription(f.ctx, a1.CustomerID, a1.ID); err != nil {
		t.Fatal(err)
	}
	subs, err := f.store.PushSubscriptionsByEmail(f.ctx, "ANA@example.org")
	if err != nil || len(subs) != 1 || subs[0].Endpoint != "https://push.example.net/a2" {
		t.Fatalf("ana's devices = %+v, %v", subs, err)
	}
	// The same browser subscribing for another customer moves to them.
	moved := f.subscribe("bob@example.org", "https://push.example.net/a2")
	if moved.CustomerID != b1.CustomerID {
		t.Fatalf("endpoint stayed with customer %d", moved.CustomerID)
	}
	if subs, _ := f.store.PushSubscriptionsByCustomer(f.ctx, a1.CustomerID); len(subs) != 0 {
		t.Fatalf("ana still has %+v", subs)
	}
	if err := f.store.MarkPushDelivered(f.ctx, moved.ID, 42); err != nil {
		t.Fatal(err)
	}
	subs, _ = f.store.PushSubscriptionsByCustomer(f.ctx, b1.CustomerID)
	if len(subs) != 2 || subs[0].LastAlertID != 42 || subs[0].LastUsed.IsZero() {
		t.Fatalf("bob's devices = %+v", subs)
	}
}

func TestVAPIDKeysGeneratedOnceAndKept(t *testing.T) {
	f := newFixture(t, testConfig())
	n := 0
	gen := func() (ticket.VAPIDKeyPair, error) {
		n++
		return ticket.VAPIDKeyPair{Public: fmt.Sprint("pub", n), Private: fmt.Sprint("priv", n)}, nil
	}
	first, err := f.store.VAPIDKeys(f.ctx, gen)
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.store.VAPIDKeys(f.ctx, gen)
	if err != nil || first != second || first.Public != "pub1" {
		t.Fatalf("first %+v, second %+v, %v", first, second, err)
	}
}

func TestPushDevicesCappedOldestDropped(t *testing.T) {
	f := newFixture(t, testConfig())
	f.ingest(mail("ana@example.org", "Help", "x"))
	first := f.subscribe("ana@example.org", "https://push.example.net/0")
	for i := 1; i <= ticket.MaxPushDevices; i++ {
		f.subscribe("ana@example.org", fmt.Sprintf("https://push.example.net/%d", i))
	}
	subs, _ := f.store.PushSubscriptionsByCustomer(f.ctx, first.CustomerID)
	if len(subs) != ticket.MaxPushDevices || subs[0].ID == first.ID {
		t.Fatalf("%d devices, oldest %d; want %d without the first", len(subs), subs[0].ID, ticket.MaxPushDevices)
	}
}

func TestHourlyCapCountsEachChannelApart(t *testing.T) {
	cfg := testConfig()
	cfg.AlertsPerHour = 1
	f := newFixture(t, cfg)
	tk := mustTicket(t, f, f.ingest(mail("ana@example.org", "Help", "x")).Ticket)
	drain(t, f) // the acknowledgement: the email's one for the hour
	f.subscribe("ana@example.org", "https://push.example.net/1")
	if _, err := f.store.Act(f.ctx, 0, ticket.ActReply, ticket.Post{TicketID: tk.ID, Text: "r"}); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(channelsOf(t, f)); got != "[push:replied]" {
		t.Fatalf("alerts %s: the email waits for the cap, the push has its own", got)
	}
}
