// Package delivery is what the alert sender and the channels that deliver
// for it (email over SMTP, browser push) agree on: the call that delivers one
// alert, how a channel marks a failure no retry can cure, how it asks for a
// longer wait, and how its failure is worded in the alert's record. It knows no SMTP and no Web Push, so a channel needs neither
// the other's library nor the sender's.
package delivery

import (
	"context"
	"errors"
	"strings"
	"time"

	"inboxdesk/ticket"
)

// Deliverer sends one alert over one channel. An error for which
// IsPermanent is true fails the alert; any other is retried.
type Deliverer interface {
	Deliver(ctx context.Context, job ticket.AlertJob) error
}

// Permanenter is an error that knows whether a retry could cure it (an SMTP
// reply does: a 5xx to RCPT TO cannot be cured, a 4xx can).
type Permanenter interface {
	Permanent() bool
}

// RetryAfterer is a temporary error that names how long to wait before the
// next attempt (an HTTP Retry-After, say). The sender waits at least that
// long, and at most its longest retry delay.
type RetryAfterer interface {
	RetryAfter() time.Duration
}

// Answerer is an error that words itself for an alert's record (an SMTP
// reply as "550 5.1.1 no such user").
type Answerer interface {
	Answer() string
}

// permanentError marks an error that no retry can cure.
type permanentError struct{ err error }

func (e permanentError) Error() string   { return e.err.Error() }
func (e permanentError) Unwrap() error   { return e.err }
func (e permanentError) Permanent() bool { return true }

// Permanent marks err as one that retrying cannot cure (IsPermanent reports
// true). A nil err stays nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether the outermost Permanenter in err's chain says
// the failure is for good; an error without one is temporary.
func IsPermanent(err error) bool {
	var p Permanenter
	return errors.As(err, &p) && p.Permanent()
}

// RetryDelay is how long to wait after err, given the backoff the sender
// picked: the longer of the two, within limit.
func RetryDelay(err error, backoff, limit time.Duration) time.Duration {
	var ra RetryAfterer
	if errors.As(err, &ra) && ra.RetryAfter() > backoff {
		return min(ra.RetryAfter(), limit)
	}
	return backoff
}

// maxAnswer bounds the text kept for an alert's last error.
const maxAnswer = 500

// Answer returns the text to store as an alert's last error: the words of
// the first Answerer in err's chain, else err's text; white space runs
// (the lines of a multi-line reply among them) become one space, and at
// most maxAnswer bytes are kept.
func Answer(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	var a Answerer
	if errors.As(err, &a) {
		s = a.Answer()
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxAnswer {
		s = strings.ToValidUTF8(s[:maxAnswer], "")
	}
	return s
}
