package inbound_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"inboxdesk/inbound"
	"inboxdesk/storage"
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
	store := storage.New(pool, testStoreConfig())
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

// TestIdleTakeOver: of two replicas only one idles on the mailbox (holds its
// idle lock); when it stops, the other takes over and new mail is still
// ticketed within seconds.
func TestIdleTakeOver(t *testing.T) {
	dc := dovecot.Start(t)
	ctx := context.Background()
	url := pgtest.NewURL(t)
	var stores []*storage.Store
	for range 2 {
		stores = append(stores, storage.New(pgtest.Pool(t, url), testStoreConfig()))
	}
	if _, err := stores[0].AddMailbox(ctx, ticket.Mailbox{Name: "support", URL: dc.URL("INBOX"), Schedule: "@every 10m"}); err != nil {
		t.Fatal(err)
	}
	var stops []func()
	for _, store := range stores {
		p := inbound.NewPoller(store, quietLog(), inbound.Options{})
		defer p.Close()
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = inbound.NewScheduler(p, store, quietLog(), inbound.IdleOptions{LockRetry: 200 * time.Millisecond}).Run(rctx)
		}()
		stops = append(stops, func() { cancel(); <-done })
		time.Sleep(300 * time.Millisecond) // the first replica takes the lock first
	}
	defer stops[1]()
	pool := stores[0].Pool()
	idlers := func() (n int) {
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 727003
			AND granted`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	messages := func() (n int) {
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM messages`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	within := func(d time.Duration, n int, what string) {
		t.Helper()
		for start := time.Now(); messages() < n; time.Sleep(20 * time.Millisecond) {
			if time.Since(start) > d {
				t.Fatalf("%s: %d messages after %v, want %d", what, messages(), d, n)
			}
		}
	}
	if n := idlers(); n != 1 {
		t.Fatalf("%d replicas idle on the mailbox, want 1", n)
	}
	dc.Append(t, "INBOX", []byte(customerMail("a@example.org", "take1@example.org", "One", "x")))
	within(2*time.Second, 1, "mail with both replicas up")
	stops[0]()
	time.Sleep(500 * time.Millisecond) // the other replica's next try at the lock
	if n := idlers(); n != 1 {
		t.Fatalf("%d replicas idle after the first stopped, want 1", n)
	}
	dc.Append(t, "INBOX", []byte(customerMail("b@example.org", "take2@example.org", "Two", "x")))
	within(2*time.Second, 2, "mail after the take-over")
}
