package inbound_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"inboxdesk/inbound"
	"inboxdesk/storage"
	"inboxdesk/testenv/dovecot"
	"inboxdesk/ticket"
)

// A frozen Dovecot process (SIGSTOP of the imap process serving the kept
// session) makes the poll give up within its deadline and release the
// mailbox's lock, so another process takes the mailbox over.
func TestDovecotFrozenServer(t *testing.T) {
	cases := []struct {
		name    string
		opts    inbound.Options
		limit   time.Duration
		wantErr error
	}{
		{"cmd", inbound.Options{CommandTimeout: time.Second, PollTimeout: time.Hour}, time.Second, inbound.ErrServerTimeout},
		{"poll", inbound.Options{CommandTimeout: time.Hour, PollTimeout: 1500 * time.Millisecond}, 1500 * time.Millisecond, inbound.ErrPollTimeout},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dc := dovecot.Start(t)
			storeA := dovecotStore(t, dc, ticket.Mailbox{})
			dc.Append(t, "INBOX", []byte(customerMail("a@example.org", "before@example.org", "Before", "x")))
			a := inbound.NewPoller(storeA, quietLog(), tc.opts)
			defer a.Close()
			if st, err := a.Poll(context.Background(), "support"); err != nil || st.Fetched != 1 {
				t.Fatalf("first poll %+v %v", st, err)
			}
			dc.FreezeSessions(t) // the session a keeps for its next poll
			dc.Append(t, "INBOX", []byte(customerMail("a@example.org", "after@example.org", "After", "x")))
			b := inbound.NewPoller(otherProcessStore(t, storeA), quietLog(), inbound.Options{})
			defer b.Close()

			start := time.Now()
			done := make(chan error, 1)
			go func() { _, err := a.Poll(context.Background(), "support"); done <- err }()
			skipped := 0
			var err error
			var takeover *inbound.Stats // b's poll that came just after a gave up
		wait:
			for {
				select {
				case err = <-done:
					break wait
				case <-time.After(100 * time.Millisecond):
					if time.Since(start) > tc.limit+5*time.Second {
						t.Fatalf("frozen poll still running after %s, deadline %s", time.Since(start), tc.limit)
					}
					st, berr := b.Poll(context.Background(), "support")
					if berr == nil && st.Skipped {
						skipped++
						continue
					}
					// Not skipped: fine only when a had given up by then.
					select {
					case err = <-done:
						takeover = &st
						if berr != nil {
							t.Fatalf("the other process after the first gave up: %v", berr)
						}
						break wait
					default:
						t.Fatalf("poll by the other process while the first holds the mailbox: %+v %v", st, berr)
					}
				}
			}
			took := time.Since(start)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("frozen poll: %v, want %v", err, tc.wantErr)
			}
			if took > tc.limit+2*time.Second {
				t.Fatalf("frozen poll gave up after %s, deadline %s", took, tc.limit)
			}
			t.Logf("frozen poll gave up after %s (%d polls of the other process skipped meanwhile): %v",
				took.Round(time.Millisecond), skipped, err)
			if takeover == nil {
				st, err := b.Poll(context.Background(), "support")
				if err != nil {
					t.Fatalf("the other process after the first gave up: %v", err)
				}
				takeover = &st
			}
			if st := *takeover; st.Skipped || st.Fetched != 1 {
				t.Fatalf("the other process after the first gave up: %+v, want the new mail", st)
			}
		})
	}
}

// otherProcessStore is a store over its own connection pool to the same
// database, as another replica has.
func otherProcessStore(t *testing.T, s *storage.Store) *storage.Store {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), s.Pool().Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return storage.New(pool, testStoreConfig())
}

// Closing the poller (at shutdown) does not wait long for a frozen server
// to answer the LOGOUT of a kept session.
func TestDovecotCloseDoesNotWaitForFrozenServer(t *testing.T) {
	dc := dovecot.Start(t)
	store := dovecotStore(t, dc, ticket.Mailbox{})
	p := inbound.NewPoller(store, quietLog(), inbound.Options{CommandTimeout: time.Hour})
	if _, err := p.Poll(context.Background(), "support"); err != nil {
		t.Fatal(err)
	}
	dc.FreezeSessions(t)
	start := time.Now()
	done := make(chan struct{})
	go func() { p.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close still waiting for the frozen server after 10s")
	}
	if took := time.Since(start); took > 7*time.Second {
		t.Fatalf("Close took %s", took)
	}
}
