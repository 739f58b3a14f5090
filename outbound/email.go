package outbound

import (
	"context"

	"inboxdesk/ticket"
)

// Mailer sends a rendered message; *Transport is one.
type Mailer interface {
	Send(ctx context.Context, from string, to []string, raw []byte) error
}

// EmailDeliverer composes an alert and sends it: the Deliverer for channel "email".
type EmailDeliverer struct {
	Composer *Composer
	Mailer   Mailer
}

// Deliver composes job and sends it to its recipient from the no-reply address.
func (d EmailDeliverer) Deliver(ctx context.Context, job ticket.AlertJob) error {
	return d.Stage(job).Deliver(ctx, job)
}

// Stage composes job and returns what sends it, so that the sender composes
// the next alerts while the connection sends this one.
func (d EmailDeliverer) Stage(job ticket.AlertJob) Deliverer {
	raw, err := d.Composer.Compose(job)
	return composedMail{mailer: d.Mailer, from: d.Composer.From().Email, raw: raw, err: err}
}

// composedMail is one composed alert (or why it could not be composed).
type composedMail struct {
	mailer Mailer
	from   string
	raw    []byte
	err    error
}

func (m composedMail) Deliver(ctx context.Context, job ticket.AlertJob) error {
	if m.err != nil {
		return m.err
	}
	return m.mailer.Send(ctx, m.from, []string{job.Recipient.Email}, m.raw)
}

// Serial reports that deliveries cannot overlap: the Mailer (a Transport)
// sends one message at a time over its one connection.
func (d EmailDeliverer) Serial() bool { return true }
