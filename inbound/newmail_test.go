package inbound_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"inboxdesk/inbound"
	"inboxdesk/storage"
	"inboxdesk/testenv/dovecot"
	"inboxdesk/testenv/tcpproxy"
	"inboxdesk/ticket"
)

// dovecotBehindProxy is Dovecot with the mailbox "support" reached through
// a proxy that counts connections (one per IMAP session).
func dovecotBehindProxy(t *testing.T, mb ticket.Mailbox) (*dovecot.Server, *tcpproxy.Proxy, *storage.Store) {
	dc := dovecot.Start(t)
	proxy := tcpproxy.Start(t, dc.Addr())
	mb.URL = strings.Replace(dc.URL("INBOX"), dc.Addr(), proxy.Addr(), 1)
	store := dovecotStore(t, dc, mb)
	return dc, proxy, store
}

// ticketed waits until the mail with msgID has a message row.
func ticketed(t *testing.T, store *storage.Store, msgID string, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < limit {
		var n int
		err := store.Pool().QueryRow(context.Background(),
			`SELECT count(*) FROM messages WHERE message_id = $1`, msgID).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			return time.Since(start)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s not ticketed within %s", msgID, limit)
	return 0
}

// pollCounter counts polls (an inbound.Observer).
type pollCounter struct{ n atomic.Int64 }

func (c *pollCounter) Batch(string, []ticket.Result)                    {}
func (c *pollCounter) Poll(string, time.Duration, time.Duration, error) { c.n.Add(1) }

// waitPolls waits until c has counted n polls.
func (c *pollCounter) waitPolls(t *testing.T, n int64) {
	t.Helper()
	deadline := time.Now().Add(time.Duration(n)*3*time.Second + 10*time.Second)
	for c.n.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d polls by %s, want %d", c.n.Load(), time.Now().Format(time.TimeOnly), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A running scheduler sees mail that arrives after its session was opened:
// Dovecot answers STATUS of the selected folder from the session's old view,
// so only NOOP (or a new SELECT) shows it. With the longer tests
// (INBOXDESK_FAULTS) it runs for 100 polls, with the five mails spread over them.
func TestDovecotScheduledPollsSeeMailAppendedWhileRunning(t *testing.T) {
	polls := int64(6)
	if os.Getenv("INBOXDESK_FAULTS") != "" {
		polls = 100
	}
	dc, proxy, store := dovecotBehindProxy(t, ticket.Mailbox{Schedule: "@every 2s"})
	dc.Append(t, "INBOX", []byte(customerMail("first@example.org", "first@example.org", "First", "x")))
	var count pollCounter
	p := inbound.NewPoller(store, quietLog(), inbound.Options{Observe: &count})
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	// IDLE off: this is about the scheduled polls (and IDLE would be a second session).
	go func() { done <- inbound.NewScheduler(p, store, quietLog(), inbound.IdleOptions{Off: true}).Run(ctx) }()
	defer func() { cancel(); <-done }()
	ticketed(t, store, "first@example.org", 10*time.Second)
	for i := int64(0); i < 5; i++ {
		count.waitPolls(t, (i+1)*polls/6)
		id := fmt.Sprintf("later%d@example.org", i)
		dc.Append(t, "INBOX", []byte(customerMail("later@example.org", id, fmt.Sprintf("Later %d", i), "x")))
		took := ticketed(t, store, id, 10*time.Second)
		t.Logf("%s, appended after poll %d, ticketed %s later", id, count.n.Load(), took.Round(time.Millisecond))
	}
	count.waitPolls(t, polls)
	if n := proxy.Accepted(); n != 1 {
		t.Fatalf("the poller opened %d IMAP sessions over %d polls, want one kept across them", n, count.n.Load())
	}
}

// One session kept across 100 polls sees each mail appended between them
// at the next poll.
func TestDovecotKeptSessionSeesNewMailAtEveryPoll(t *testing.T) {
	dc, proxy, store := dovecotBehindProxy(t, ticket.Mailbox{})
	p := inbound.NewPoller(store, quietLog(), inbound.Options{})
	defer p.Close()
	ctx := context.Background()
	for i := 0; i < 100; i++ {
		want := 0
		if i%20 == 10 {
			dc.Append(t, "INBOX", []byte(customerMail("kept@example.org", fmt.Sprintf("kept%d@example.org", i),
				fmt.Sprintf("Kept %d", i), "x")))
			want = 1
		}
		st, err := p.Poll(ctx, "support")
		if err != nil || st.Fetched != want {
			t.Fatalf("poll %d: %+v %v, want %d fetched", i, st, err, want)
		}
	}
	if n := proxy.Accepted(); n != 1 {
		t.Fatalf("the poller opened %d IMAP sessions over 100 polls, want one", n)
	}
}
