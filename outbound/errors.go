package outbound

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"inboxdesk/delivery"
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

// retryDelay is how long the sender waits after err, given the backoff it
// picked: the longer of the two, within limit.
func retryDelay(err error, backoff, limit time.Duration) time.Duration {
	var ra delivery.RetryAfterer
	if errors.As(err, &ra) && ra.RetryAfter() > backoff {
		return min(ra.RetryAfter(), limit)
	}
	return backoff
}

// Permanent reports whether the server refused the recipient or the message
// for good (delivery.Permanenter): a 5xx reply to RCPT TO or DATA. A 4xx is
// temporary, and so is a 5xx reply to MAIL FROM, which names our own
// no-reply sender and so speaks of the configuration (authentication
// required, sender not allowed), not of this alert; failing every queued
// alert for it would empty the queue on a configuration mistake. Network
// errors, timeouts, a failed dial, TLS or login carry no reply and are
// retried too; retries end in a failure after MaxTries anyway.
func (e *ReplyError) Permanent() bool {
	return e.Code >= 500 && e.Code < 600 && e.Command != "MAIL FROM"
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
