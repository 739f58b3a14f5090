package outbound

import (
	"bytes"
	"fmt"
	"mime/quotedprintable"
	"strconv"
	"time"

	"inboxdesk/delivery"
	"inboxdesk/lang"
	"inboxdesk/ticket"
)

// composeNotice renders an agent's notice: notify-only like a customer's
// alert (what happened, the ticket's number and subject, the customer), with
// a plain link to the agent page, which asks the agent to sign in. It
// carries no token and no message content.
func (c *Composer) composeNotice(job ticket.AlertJob) ([]byte, error) {
	cat, key := c.templates.cat, "notice_"+string(job.Reason)
	if !cat.Defines(key) {
		return nil, delivery.Permanent(fmt.Errorf("compose notice %d: unknown reason %q", job.ID, job.Reason))
	}
	if err := checkAddress(job.Recipient.Email); err != nil {
		return nil, delivery.Permanent(fmt.Errorf("compose notice %d: recipient: %w", job.ID, err))
	}
	if err := checkMessageID(job.MessageID); err != nil {
		return nil, delivery.Permanent(fmt.Errorf("compose notice %d: Message-ID: %w", job.ID, err))
	}
	subject := oneLine(job.Subject)
	who := job.Requester.Email
	if n := cleanName(job.Requester.Name); n != "" {
		who = n + " <" + job.Requester.Email + ">"
	}
	url := c.cfg.BaseURL.Join("/agent/tickets/" + strconv.FormatInt(job.TicketNumber, 10))
	var body bytes.Buffer
	qp := quotedprintable.NewWriter(&body)
	what := cat.Text(lang.Agents, key)
	fmt.Fprintf(qp, "%s: #%d %s\r\n%s\r\n\r\n%s\r\n\r\n%s\r\n", what, job.TicketNumber, subject,
		cat.Format(lang.Agents, "notice_customer", who), url, cat.Text(lang.Agents, "notice_sign_in"))
	if err := qp.Close(); err != nil {
		return nil, err
	}
	fields := []field{
		{"From", formatAddress(c.cfg.From)},
		{"To", formatAddress(job.Recipient)},
		{"Subject", encodeHeader(fmt.Sprintf("[#%d] %s: %s", job.TicketNumber, what, subject))},
		{"Date", c.cfg.Now().Format(time.RFC1123Z)},
		{"Message-ID", "<" + job.MessageID + ">"},
	}
	fields = append(append(fields, c.ownMailFields()...), field{"MIME-Version", "1.0"},
		field{"Content-Type", "text/plain; charset=utf-8"}, field{"Content-Transfer-Encoding", "quoted-printable"})
	return joinMessage(fields, body.Bytes()), nil
}
