package inbound_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"inboxdesk/inbound"
	"inboxdesk/testenv/dovecot"
	"inboxdesk/testenv/tcpproxy"
	"inboxdesk/ticket"
)

// dovecotBehindProxy is Dovecot with the mailbox "support" reached through
// a proxy that counts connections (one per IMAP session).
func dovecotBehindProxy(t *testing.T, mb ticket.Mailbox) (*dovecot.Server, *tcpproxy.Proxy, *ticket.Store) {
	dc := dovecot.Start(t)
	proxy := tcpproxy.Start(t, dc.Addr())
	mb.URL = strings.Replace(dc.URL("INBOX"), dc.Addr(), proxy.Addr(), 1)
	store := dovecotStore(t, dc, mb)
	return dc, proxy, store
}

// ticketed waits until the mail with msgID has a message row.
func ticketed(t *testing.T, store *ticket.Store, msgID string, limit time.Duration) time.Duration {
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

// A running scheduler sees mail that arrives after its session was opened:
// Dovecot answers STATUS of the selected folder from the session's old view,
// so only NOOP (or a new SELECT) shows it.
func TestDovecotScheduledPollsSeeMailAppendedWhileRunning(t *testing.T) {
	dc, proxy, store := dovecotBehindProxy(t, ticket.Mailbox{Schedule: "@every 2s"})
	dc.Append(t, "INBOX", []byte(customerMail("first@example.org", "first@example.org", "First", "x")))
	p := inbound.NewPoller(store, quietLog(), inbound.Options{})
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	// IDLE off: this is about the scheduled polls (and IDLE would be a second session).
	go func() { done <- inbound.NewScheduler(p, store, quietLog(), inbound.IdleOptions{Off: true}).Run(ctx) }()
	defer func() { cancel(); <-done }()
	ticketed(t, store, "first@example.org", 10*time.Second)
	for i := 0; i < 5; i++ {
		id := fmt.Sprintf("later%d@example.org", i)
		dc.Append(t, "INBOX", []byte(customerMail("later@example.org", id, fmt.Sprintf("Later %d", i), "x")))
		took := ticketed(t, store, id, 10*time.Second)
		t.Logf("%s ticketed %s after it was appended", id, took.Round(time.Millisecond))
	}
	if n := proxy.Accepted(); n != 1 {
		t.Fatalf("the poller opened %d IMAP sessions, want one kept across polls", n)
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
