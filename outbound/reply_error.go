package outbound

import "fmt"

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

// Answer is the reply as an alert's last error keeps it: "550 5.1.1 no
// such user", without the command that drew it (delivery.Answerer).
func (e *ReplyError) Answer() string {
	return fmt.Sprintf("%d %s", e.Code, e.Text)
}
