package devmail

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Captured is one message the SMTP server accepted and kept. Its slices are
// shared with the server: read them, do not modify them.
type Captured struct {
	// From is the envelope sender (MAIL FROM); "" for a bounce (MAIL FROM:<>).
	From string
	// To lists the envelope recipients it was captured for; recipients that
	// were delivered to the IMAP inbox instead are not in it.
	To []string
	// Data is the message exactly as the client sent it.
	Data []byte
	// Received is when the server accepted it.
	Received time.Time
}

// mailLog holds captured messages and wakes watchers when they change.
type mailLog struct {
	mu      sync.Mutex
	msgs    []Captured
	changed chan struct{} // closed and replaced on every change
}

func newMailLog() *mailLog {
	return &mailLog{changed: make(chan struct{})}
}

func (l *mailLog) add(c Captured) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, c)
	l.notifyLocked()
}

func (l *mailLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = nil
	l.notifyLocked()
}

func (l *mailLog) notifyLocked() {
	close(l.changed)
	l.changed = make(chan struct{})
}

// watch returns a copy of the messages and a channel closed at the next
// change, taken together so that no change falls between them.
func (l *mailLog) watch() ([]Captured, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Captured(nil), l.msgs...), l.changed
}

// Messages returns the messages captured so far, oldest first.
func (s *SMTP) Messages() []Captured {
	msgs, _ := s.log.watch()
	return msgs
}

// Watch returns the messages captured so far, oldest first, and a channel
// that is closed at the next change (a message captured, or Reset). A live
// view calls Watch again each time the channel closes.
func (s *SMTP) Watch() ([]Captured, <-chan struct{}) {
	return s.log.watch()
}

// Wait blocks until at least n messages have been captured since the start
// or the last Reset, or until ctx is done, which it returns as an error.
func (s *SMTP) Wait(ctx context.Context, n int) error {
	for {
		msgs, changed := s.log.watch()
		if len(msgs) >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("devmail: wait for %d messages, have %d: %w", n, len(msgs), ctx.Err())
		case <-changed:
		}
	}
}

// Reset forgets the captured messages and any failures still pending from
// FailNext and DropNext.
func (s *SMTP) Reset() {
	s.log.reset()
	s.faults.reset()
}
