package inbound_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"inboxdesk/inbound"
	"inboxdesk/testenv/dovecot"
	"inboxdesk/testenv/pgtest"
	"inboxdesk/ticket"
)

// TestDovecotIdle: with the schedule at every ten minutes, only IDLE can
// make mail a ticket within seconds. Five mails appended one by one each
// become a ticket within 2 s; Dovecot restarted mid-IDLE, the watcher
// reconnects and mail appended meanwhile and after is not missed.
func TestDovecotIdle(t *testing.T) {
	dc := dovecot.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	pool := pgtest.New(t)
	store := ticket.NewStore(pool, testStoreConfig())
	if _, err := store.AddMailbox(ctx, ticket.Mailbox{Name: "support", URL: dc.URL("INBOX"), Schedule: "@every 10m"}); err != nil {
		t.Fatal(err)
	}
	p := inbound.NewPoller(store, quietLog(), inbound.Options{})
	defer p.Close()
	sched := inbound.NewScheduler(p, store, quietLog(), inbound.IdleOptions{BackoffMin: 200 * time.Millisecond})
	done := make(chan struct{})
	go func() { defer close(done); _ = sched.Run(ctx) }()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
	}
	defer stop()

	messages := func() int {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM messages`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitFor := func(n int, within time.Duration, what string) time.Duration {
		t.Helper()
		start := time.Now()
		for messages() < n {
			if time.Since(start) > within {
				t.Fatalf("%s: %d messages after %v, want %d", what, messages(), within, n)
			}
			time.Sleep(20 * time.Millisecond)
		}
		return time.Since(start)
	}
	mail := func(i int) []byte {
		return []byte(customerMail(fmt.Sprintf("c%d@example.org", i), fmt.Sprintf("idle%d@example.org", i),
			fmt.Sprintf("Idle %d", i), "hello"))
	}
	// The watcher's first poll on connecting takes the mail already there.
	dc.Append(t, "INBOX", mail(0))
	waitFor(1, 5*time.Second, "mail present when the watcher starts")
	for i := 1; i <= 5; i++ {
		dc.Append(t, "INBOX", mail(i))
		took := waitFor(i+1, 2*time.Second, fmt.Sprintf("mail %d", i))
		t.Logf("mail %d became a ticket in %v", i, took.Round(time.Millisecond))
	}

	dc.Restart(t)
	dc.Append(t, "INBOX", mail(6)) // while the watcher is reconnecting
	waitFor(7, 10*time.Second, "mail appended during the reconnect")
	time.Sleep(300 * time.Millisecond)
	dc.Append(t, "INBOX", mail(7))
	waitFor(8, 2*time.Second, "mail after the watcher resumed")

	stop() // a clean shutdown: Run returns once the watcher logged out
	var tickets int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM tickets`).Scan(&tickets); err != nil || tickets != 8 {
		t.Fatalf("%d tickets (%v), want 8", tickets, err)
	}
}
