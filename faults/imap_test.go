package faults_test

import (
	"sync"
	"testing"
	"time"

	"inboxdesk/inbound"
	"inboxdesk/ticket"
)

// onBatch calls fn once, in its own goroutine, after the nth committed
// batch of a poll, so the fault strikes while later batches are fetched.
type onBatch struct {
	n    int
	fn   func()
	mu   sync.Mutex
	seen int
	done chan struct{}
}

func newOnBatch(n int, fn func()) *onBatch { return &onBatch{n: n, fn: fn, done: make(chan struct{})} }

func (o *onBatch) Batch(string, []ticket.Result) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.seen++; o.seen == o.n {
		go func() {
			defer close(o.done)
			o.fn()
		}()
	}
}

func (o *onBatch) Poll(string, time.Duration, time.Duration, error) {}

// wait blocks until the fault has run (it must have: the test asserts it struck mid-poll).
func (o *onBatch) wait(t *testing.T) {
	select {
	case <-o.done:
	case <-time.After(time.Minute):
		t.Fatal("the fault never ran")
	}
}

// TestFaultDovecotRestartMidBatch restarts Dovecot while a poll is between
// batches: the poll fails, the next polls reconnect and ingest the rest.
func TestFaultDovecotRestartMidBatch(t *testing.T) {
	enabled(t)
	const n = 1000
	r := newRig(t, pgtestURL(t))
	r.dc.AppendMany(t, "INBOX", supportMails("restart", 0, n))
	fault := newOnBatch(3, func() { r.dc.Restart(t) })
	p := inbound.NewPoller(r.store, quiet(), inbound.Options{BatchMessages: 50, Observe: fault})
	defer p.Close()
	st, err := p.Poll(r.ctx, "support")
	if err == nil && st.Fetched == n {
		t.Fatal("the restart did not interrupt the poll")
	}
	failed := r.pollUntilDone(p) // the first ones while Dovecot is still down
	fault.wait(t)
	r.checkMail("restart", n)
	t.Logf("first poll ingested %d of %d before the restart (%v); %d polls failed while Dovecot restarted", st.Fetched, n, err, failed)
}

// TestFaultUIDValidityResetMidBatch recreates the mailbox (new UIDVALIDITY)
// while a poll is between batches; the mail comes back under new UIDs with
// more behind it. Nothing is ingested twice and nothing is missed.
func TestFaultUIDValidityResetMidBatch(t *testing.T) {
	enabled(t)
	const n, more = 1000, 200
	r := newRig(t, pgtestURL(t))
	r.dc.AppendMany(t, "INBOX", supportMails("uv", 0, n))
	fault := newOnBatch(3, func() {
		r.dc.RecreateMailbox(t, "INBOX")
		r.dc.AppendMany(t, "INBOX", supportMails("uv", 0, n+more))
	})
	p := inbound.NewPoller(r.store, quiet(), inbound.Options{BatchMessages: 50, Observe: fault})
	defer p.Close()
	st, err := p.Poll(r.ctx, "support")
	fault.wait(t)
	if err == nil && st.Fetched == n {
		t.Fatal("the reset did not interrupt the poll")
	}
	r.pollUntilDone(p)
	r.checkMail("uv", n+more)
	t.Logf("first poll ingested %d of %d before the reset (%v)", st.Fetched, n, err)
}
