package inbound

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"inboxdesk/devmail"
)

// TestListingNewMailHoldsLittlePerMail: the first poll of a mailbox import
// lists every waiting mail at once. While it reads the server's answer it
// must hold only the compact list (tens of bytes a mail), not the IMAP
// client's buffer of every message, or the poller's memory grows with the
// backlog. The garbage collector runs at 1% growth, so the live heap it
// reports after each cycle, sampled while the listing runs, shows its peak.
func TestListingNewMailHoldsLittlePerMail(t *testing.T) {
	const n = 50_000
	const maxPerMail = 100 // bytes: the list's own entry is 40
	ctx := context.Background()
	srv, err := devmail.StartIMAP(ctx, "127.0.0.1:0", "support", "secret", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for i := range n {
		if _, err := srv.Append("INBOX", fmt.Appendf(nil, "From: <c%d@example.org>\r\nSubject: %d\r\n\r\nhi\r\n", i, i)); err != nil {
			t.Fatal(err)
		}
	}
	target, err := ParseURL("imap://support:secret@" + srv.Addr() + "/INBOX")
	if err != nil {
		t.Fatal(err)
	}
	s, err := dial(ctx, target, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	defer debug.SetGCPercent(debug.SetGCPercent(1))
	// The same listing read and dropped message by message: what the server
	// (in this process) and the client cost on their own.
	bare := peakDuring(func() error {
		var set imap.UIDSet
		set.AddRange(1, 0)
		cmd := s.c.Fetch(set, &imap.FetchOptions{UID: true, RFC822Size: true, InternalDate: true})
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			for item := msg.Next(); item != nil; item = msg.Next() {
			}
		}
		return cmd.Close()
	})
	var msgs []sizedUID
	ours := peakDuring(func() (err error) {
		_, msgs, err = s.newUIDs(0, n)
		return err
	})
	if len(msgs) != n {
		t.Fatalf("listed %d of %d mails", len(msgs), n)
	}
	held := (ours - bare) / n
	t.Logf("live heap peaked %d bytes a mail above where it stood, %d for the bare listing", ours/n, bare/n)
	if held > maxPerMail {
		t.Fatalf("listing %d new mails held %d bytes a mail more than reading the answer costs (at most %d)", n, held, maxPerMail)
	}
}

// peakDuring runs fn and returns how far the live heap rose above where it
// stood before; fn's error fails nothing here, so it panics.
func peakDuring(fn func() error) int64 {
	runtime.GC()
	before := liveHeap()
	peak := sampleLiveHeap()
	if err := fn(); err != nil {
		panic(err)
	}
	return peak() - before
}

// sampleLiveHeap tracks the highest live heap until the returned func is called.
func sampleLiveHeap() (peak func() int64) {
	stop, done := make(chan struct{}), make(chan int64)
	go func() {
		high := liveHeap()
		for {
			select {
			case <-stop:
				done <- max(high, liveHeap())
				return
			case <-time.After(100 * time.Microsecond):
				high = max(high, liveHeap())
			}
		}
	}()
	return func() int64 {
		close(stop)
		return <-done
	}
}

// liveHeap is the heap the last collection found live.
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}
