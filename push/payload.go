package push

import (
	"encoding/json"
	"fmt"
	"strconv"

	"inboxdesk/lang"
	"inboxdesk/link"
	"inboxdesk/ticket"
)

// Payload is what a push carries (encrypted to the device): which ticket
// changed, why, and the link that opens it — never message content. Title
// and Body are the notification's text in the customer's language; Tag
// makes a newer push about the same ticket replace the older notification.
type Payload struct {
	Ticket int64              `json:"ticket"`
	Reason ticket.AlertReason `json:"reason"`
	URL    string             `json:"url"`
	Title  string             `json:"title"`
	Body   string             `json:"body"`
	Tag    string             `json:"tag"`
}

// payload builds job's payload with a freshly signed link.
func (d *Deliverer) payload(job ticket.AlertJob) ([]byte, error) {
	if job.AgentID != 0 {
		return d.noticePayload(job)
	}
	l := job.Language
	if !d.cat.Has(l) {
		l = d.cfg.DefaultLanguage
	}
	key := "push_alert_" + string(job.Reason)
	if !d.cat.Defines(key) {
		return nil, fmt.Errorf("unknown reason %q", job.Reason)
	}
	token := d.cfg.LinkKeys.Sign(link.Claims{Ticket: job.TicketNumber, Email: job.Recipient.Email,
		Purpose: link.PurposeTicket, Expires: d.cfg.Now().Add(d.cfg.LinkTTL)})
	return json.Marshal(Payload{
		Ticket: job.TicketNumber,
		Reason: job.Reason,
		URL:    link.URL(d.cfg.BaseURL, job.TicketNumber, token),
		Title:  d.cat.Format(l, "push_alert_title", job.TicketNumber),
		Body:   d.cat.Text(l, key),
		Tag:    "ticket-" + strconv.FormatInt(job.TicketNumber, 10),
	})
}

// noticePayload is an agent's notice as a push: what happened and the
// number, with a plain link to the agent page (behind the agent's sign-in,
// so no token), in the words of the notice's email.
func (d *Deliverer) noticePayload(job ticket.AlertJob) ([]byte, error) {
	key := "notice_" + string(job.Reason)
	if !d.cat.Defines(key) {
		return nil, fmt.Errorf("unknown reason %q", job.Reason)
	}
	n := strconv.FormatInt(job.TicketNumber, 10)
	return json.Marshal(Payload{
		Ticket: job.TicketNumber,
		Reason: job.Reason,
		URL:    d.cfg.BaseURL.Join("/agent/tickets/" + n),
		Title:  d.cat.Format(lang.Agents, "notice_push_title", job.TicketNumber),
		Body:   d.cat.Text(lang.Agents, key),
		Tag:    "agent-ticket-" + n,
	})
}
