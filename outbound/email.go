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
	raw, err := d.Composer.Compose(job)
	if err != nil {
		return err
	}
	return d.Mailer.Send(ctx, d.Composer.From().Email, []string{job.Recipient.Email}, raw)
}

// Serial reports that deliveries cannot overlap: the Mailer (a Transport)
// sends one message at a time over its one connection.
func (d EmailDeliverer) Serial() bool { return true }
