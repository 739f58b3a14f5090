package outbound

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ReplyError is an SMTP server's refusal of one message: the command it
// answered and its reply.
type ReplyError struct {
	Command string // "MAIL FROM", "RCPT TO" or "DATA"
	Code    int    // e.g. 550
	Text    string // e.g. "5.1.1 no such user"
}

func (e *ReplyError) Error() string {
	return fmt.Sprintf("smtp %s: %d %s", e.Command, e.Code, e.Text)
}

// RetryAfterer is a temporary error that names how long to wait before the
// next attempt (an HTTP Retry-After, say). The sender waits at least that
// long, and at most RetryMax.
type RetryAfterer interface {
	RetryAfter() time.Duration
}

// retryDelay is how long the sender waits after err, given the backoff it
// picked: the longer of the two, within limit.
func retryDelay(err error, backoff, limit time.Duration) time.Duration {
	var ra RetryAfterer
	if errors.As(err, &ra) && ra.RetryAfter() > backoff {
		return min(ra.RetryAfter(), limit)
	}
	return backoff
}

// permanentError marks an error that no retry can cure.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as one that retrying cannot cure (IsPermanent reports true).
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether delivery failed for good: the server refused
// the recipient or the message (a 5xx reply to RCPT TO or DATA), or the
// alert cannot be composed. Everything else is temporary and retried: 4xx,
// network errors, timeouts, a failed dial, TLS or login, and a 5xx reply to
// MAIL FROM, which names our own no-reply sender and so speaks of the
// configuration (authentication required, sender not allowed), not of this
// alert; failing every queued alert for it would empty the queue on a
// configuration mistake. Retries end in a failure after MaxTries anyway.
func IsPermanent(err error) bool {
	if errors.As(err, new(permanentError)) {
		return true
	}
	var re *ReplyError
	return errors.As(err, &re) && re.Code >= 500 && re.Code < 600 && re.Command != "MAIL FROM"
}

// maxAnswer bounds the text kept for an alert's last error.
const maxAnswer = 500

// Answer returns the text to store as an alert's last error: for a server
// reply "550 5.1.1 no such user" (lines joined), else the error's text.
func Answer(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	var re *ReplyError
	if errors.As(err, &re) {
		s = fmt.Sprintf("%d %s", re.Code, re.Text)
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxAnswer {
		s = strings.ToValidUTF8(s[:maxAnswer], "")
	}
	return s
}
