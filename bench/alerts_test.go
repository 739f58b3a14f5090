package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"inboxdesk/devmail"
	"inboxdesk/outbound"
	"inboxdesk/storage"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// offlineMailbox adds a mailbox that is never polled, for ingesting
// ready-made mail with IngestBatch, and returns its checkpoint.
func offlineMailbox(t *testing.T, store *storage.Store, name string) ticket.Checkpoint {
	ctx := context.Background()
	id, err := store.AddMailbox(ctx, ticket.Mailbox{Name: name, URL: "imap://u:p@127.0.0.1:1/INBOX"})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.ResetCheckpoint(ctx, ticket.Checkpoint{MailboxID: id}, 1); err != nil {
		t.Fatal(err)
	}
	return ticket.Checkpoint{MailboxID: id, UIDValidity: 1}
}

// queueAlerts opens n tickets (one alert each) in batches, fast.
func queueAlerts(t *testing.T, store *storage.Store, n int) {
	ctx := context.Background()
	cp := offlineMailbox(t, store, "bench")
	for start := 0; start < n; start += 200 {
		var mails []ticket.Mail
		for i := start; i < min(start+200, n); i++ {
			sum := sha256.Sum256([]byte(fmt.Sprint(i)))
			mails = append(mails, ticket.Mail{UID: uint32(i + 1), Raw: []byte("x"), Parsed: &ticket.Inbound{
				MessageID: fmt.Sprintf("b%d@example.org", i), From: ticket.Address{Email: fmt.Sprintf("c%d@example.org", i)},
				Subject: "bench", Text: "body", ContentHash: sum[:]}})
		}
		if _, err := store.IngestBatch(ctx, cp, mails); err != nil {
			t.Fatal(err)
		}
		cp.LastUID = uint32(min(start+200, n))
	}
}

func TestAlertsPerSecond(t *testing.T) {
	enabled(t)
	const n = 3000
	ctx := context.Background()
	cfg := storage.DefaultConfig()
	cfg.CoalesceWindow, cfg.AlertsPerHour = 0, 0
	store := storage.New(pgtest.New(t), cfg)
	queueAlerts(t, store, n)
	sink, err := devmail.StartSMTP(ctx, "127.0.0.1:0", devmail.SMTPOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	comp, tr := composerAndTransport(t, sink)
	ours := deliverAll(t, store, outbound.EmailDeliverer{Composer: comp, Mailer: tr}, n, "alerts")

	raw, _ := comp.Compose(ticket.AlertJob{TicketNumber: 10001, Recipient: ticket.Address{Email: "c@example.org"},
		Reason: ticket.ReasonReplied, MessageID: "x@example.com"})
	sink.Reset()
	c, err := smtp.Dial(sink.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	for i := 0; i < n; i++ {
		if err := c.SendMail("no-reply@example.com", []string{"c@example.org"}, bytes.NewReader(raw)); err != nil {
			t.Fatal(err)
		}
	}
	bare := float64(n) / time.Since(start).Seconds()
	ratio := ours / bare
	addRow(row{figure: fmt.Sprintf("alerts delivered to a local SMTP sink (%d alerts; claim, compose, sign, send, record)", n),
		ours: fmt.Sprintf("%.0f alerts/s", ours), baseline: fmt.Sprintf("%.0f msgs/s bare SMTP client", bare),
		ratio: fmt.Sprintf("%.0f%%", ratio*100), target: "≥ 50%", met: ratio >= 0.5})
}

// deliverAll runs a sender over store's queued alerts as serve runs it
// (claiming ahead, recording behind) until n are recorded as sent, under
// the CPU profile name, and returns the alerts delivered per second.
func deliverAll(t *testing.T, store *storage.Store, d outbound.Deliverer, n int, name string) float64 {
	tq := newTimedQueue(store, n)
	sender, err := outbound.NewSender(outbound.SenderConfig{Queue: tq, BatchSize: 100, Logger: quiet(),
		Deliverers: map[string]outbound.Deliverer{"email": d}})
	if err != nil {
		t.Fatal(err)
	}
	stop := profile(t, name)
	runCtx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	start := time.Now()
	go func() { sender.Run(runCtx); close(ran) }()
	select {
	case <-tq.done:
	case <-time.After(5 * time.Minute):
		t.Fatalf("%d of %d alerts recorded as sent after 5 minutes", tq.marked.Load(), n)
	}
	rate := float64(n) / time.Since(start).Seconds()
	cancel()
	<-ran
	stop()
	t.Logf("%s: total %s; %d claims took %s, %d sent-marks %s", name, time.Since(start), tq.claims.Load(),
		time.Duration(tq.claim.Load()), tq.marks.Load(), time.Duration(tq.mark.Load()))
	return rate
}
