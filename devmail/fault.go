package devmail

import (
	"sync"

	"github.com/emersion/go-smtp"
)

// Stage names the SMTP command at which FailNext makes the server fail.
type Stage string

// The stages FailNext can fail at.
const (
	StageMail Stage = "mail" // MAIL FROM
	StageRcpt Stage = "rcpt" // RCPT TO
	StageData Stage = "data" // the reply after the message data
)

// faults is the queue of failures the SMTP server still has to inject.
type faults struct {
	mu      sync.Mutex
	pending map[Stage][]*smtp.SMTPError
	drops   int
}

func (f *faults) add(stage Stage, err *smtp.SMTPError, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pending == nil {
		f.pending = make(map[Stage][]*smtp.SMTPError)
	}
	for range times {
		f.pending[stage] = append(f.pending[stage], err)
	}
}

// take returns the next failure queued for stage, or nil when there is none.
func (f *faults) take(stage Stage) *smtp.SMTPError {
	f.mu.Lock()
	defer f.mu.Unlock()
	queue := f.pending[stage]
	if len(queue) == 0 {
		return nil
	}
	f.pending[stage] = queue[1:]
	return queue[0]
}

func (f *faults) addDrops(times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.drops += times
}

// takeDrop reports whether the current message's connection is to be dropped.
func (f *faults) takeDrop() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.drops == 0 {
		return false
	}
	f.drops--
	return true
}

func (f *faults) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending = nil
	f.drops = 0
}

// FailNext makes the next times commands at stage, across all connections,
// fail with err (for example 451 4.3.0 for a temporary failure, 550 5.1.1
// for a permanent one) instead of succeeding. Failures queued by several
// calls are used in the order they were queued. A message that fails is not
// captured or delivered.
func (s *SMTP) FailNext(stage Stage, times int, err *smtp.SMTPError) {
	s.faults.add(stage, err, times)
}

// DropNext makes the server close the connection of the next times messages
// after their data has arrived and before replying, so the client sees a
// network error and cannot tell whether the message was taken. A dropped
// message is not captured or delivered.
func (s *SMTP) DropNext(times int) {
	s.faults.addDrops(times)
}
