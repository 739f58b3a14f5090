package bench

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"inboxdesk/devmail"
	"inboxdesk/inbound"
	"inboxdesk/link"
	"inboxdesk/outbound"
	"inboxdesk/storage"
	"inboxdesk/testenv/dovecot"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

// latencyMails is how many mails each latency figure measures.
const latencyMails = 50

// TestLatency measures mail → ticket (the ticket's commit) and mail →
// acknowledgement (the alert accepted by an SMTP sink) with serve's parts
// and defaults (30 s coalescing window, sender woken by new tickets), the
// mails appended to Dovecot one by one: with IDLE, the schedule at ten
// minutes; without it, polling every 10 s, the mails spread over two intervals.
func TestLatency(t *testing.T) {
	enabled(t)
	for _, mode := range []struct {
		name     string
		schedule string
		every    time.Duration
		idle     bool
		gap      time.Duration
	}{
		{"IDLE", "@every 10m", 10 * time.Minute, true, 300 * time.Millisecond},
		{"no IDLE", "@every 10s", 10 * time.Second, false, 400 * time.Millisecond},
	} {
		t.Run(mode.name, func(t *testing.T) {
			ticketLat, ackLat := measureLatency(t, mode.schedule, mode.idle, mode.gap)
			p50, p99 := percentile(ticketLat, 50), percentile(ticketLat, 99)
			a50, a99 := percentile(ackLat, 50), percentile(ackLat, 99)
			target, met := "≤ 2 s p50, ≤ 5 s p99 to the ticket; ≤ 5 s p50 to the acknowledgement", true
			if mode.idle {
				met = p50 <= 2*time.Second && p99 <= 5*time.Second && a50 <= 5*time.Second
			} else {
				target = "(the fallback: bounded by the interval)"
			}
			addRow(row{figure: fmt.Sprintf("latency, %s (%d mails appended to Dovecot one by one, poll %s)",
				mode.name, latencyMails, mode.schedule),
				ours:     fmt.Sprintf("ticket p50 %s p99 %s; acknowledgement p50 %s p99 %s", secs(p50), secs(p99), secs(a50), secs(a99)),
				baseline: fmt.Sprintf("poll interval %s", mode.every), ratio: fmt.Sprintf("p50 %.2f× the interval",
					p50.Seconds()/mode.every.Seconds()), target: target, met: met})
		})
	}
}

func measureLatency(t *testing.T, schedule string, idle bool, gap time.Duration) (ticketLat, ackLat []time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dc := dovecot.Start(t)
	cfg := storage.DefaultConfig()
	cfg.OwnAddresses = []string{"support@example.com"} // the address the mails write to, as a deployment lists it
	store := storage.New(pgtest.New(t), cfg)
	if _, err := store.AddMailbox(ctx, ticket.Mailbox{Name: "support", URL: dc.URL("INBOX"), Schedule: schedule}); err != nil {
		t.Fatal(err)
	}
	sink, err := devmail.StartSMTP(ctx, "127.0.0.1:0", devmail.SMTPOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	sender := newSender(t, store, sink)
	opts := inbound.DefaultOptions()
	opts.Observe = inbound.WakeOnNewTickets{Wake: sender.Wake}
	p := inbound.NewPoller(store, quiet(), opts)
	defer p.Close()
	done := make(chan struct{}, 2)
	go func() { sender.Run(ctx); done <- struct{}{} }()
	go func() {
		_ = inbound.NewScheduler(p, store, quiet(), inbound.IdleOptions{Off: !idle}).Run(ctx)
		done <- struct{}{}
	}()
	defer func() { cancel(); <-done; <-done }()
	time.Sleep(time.Second) // the IDLE watcher connects
	appended := make([]time.Time, latencyMails)
	for i := range latencyMails {
		dc.Append(t, "INBOX", []byte(fmt.Sprintf("From: <lat%d@example.org>\r\nTo: support@example.com\r\n"+
			"Subject: Latency %d\r\nMessage-ID: <lat%d@example.org>\r\n\r\nhello\r\n", i, i, i)))
		appended[i] = time.Now()
		time.Sleep(gap)
	}
	wait, stop := context.WithTimeout(ctx, 40*time.Second)
	defer stop()
	if err := sink.Wait(wait, latencyMails); err != nil {
		t.Fatalf("%d of %d acknowledgements: %v", len(sink.Messages()), latencyMails, err)
	}
	for i, at := range ticketTimes(t, store, latencyMails) {
		ticketLat = append(ticketLat, at.Sub(appended[i]))
	}
	for _, m := range sink.Messages() {
		var i int
		if _, err := fmt.Sscanf(m.To[0], "lat%d@example.org", &i); err != nil {
			t.Fatalf("an alert to %q: %v", m.To[0], err)
		}
		ackLat = append(ackLat, m.Received.Sub(appended[i]))
	}
	return ticketLat, ackLat
}

// ticketTimes returns when each mail's message row was written, by index.
func ticketTimes(t *testing.T, store *storage.Store, n int) []time.Time {
	out := make([]time.Time, n)
	rows, err := store.Pool().Query(context.Background(), `SELECT message_id, created_at FROM messages`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var at time.Time
		var i int
		if err := rows.Scan(&id, &at); err != nil {
			t.Fatal(err)
		}
		if _, err := fmt.Sscanf(id, "lat%d@example.org", &i); err == nil && i < n {
			out[i] = at
		}
	}
	return out
}

func newSender(t *testing.T, store *storage.Store, sink *devmail.SMTP) *outbound.Sender {
	comp, tr := composerAndTransport(t, sink)
	sender, err := outbound.NewSender(outbound.SenderConfig{Queue: store, Logger: quiet(),
		Deliverers: map[string]outbound.Deliverer{"email": outbound.EmailDeliverer{Composer: comp, Mailer: tr}}})
	if err != nil {
		t.Fatal(err)
	}
	return sender
}

// composerAndTransport composes alerts as serve does and sends them to sink.
func composerAndTransport(t *testing.T, sink *devmail.SMTP) (*outbound.Composer, *outbound.Transport) {
	keys, _ := link.ParseKeys(link.GenerateKey())
	base, _ := link.ParseBaseURL("https://help.example.com")
	comp, err := outbound.NewComposer(outbound.ComposeConfig{From: ticket.Address{Email: "no-reply@example.com"},
		Keys: keys, BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := outbound.NewTransport("smtp://"+sink.Addr()+"?starttls=none", outbound.TransportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tr.Close() })
	return comp, tr
}

func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, (len(s)*p+99)/100-1)]
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
