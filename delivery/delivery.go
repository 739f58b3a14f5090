// Package delivery is what the alert sender and the channels that deliver
// for it (email over SMTP, browser push) agree on: the call that delivers one
// alert, how a channel marks a failure no retry can cure, and how it asks for
// a longer wait. It knows no SMTP and no Web Push, so a channel needs neither
// the other's library nor the sender's.
package delivery

import (
	"context"
	"errors"
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
