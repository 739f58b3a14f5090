package push

import (
	"encoding/json"
	"fmt"
	"strconv"

	"inboxdesk/link"
	"inboxdesk/outbound"
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

// texts are the notification's title (with the number) and one line per
// reason, by language.
var texts = map[string]struct {
	title   string
	reasons map[ticket.AlertReason]string
}{
	"en": {"Support ticket %d", map[ticket.AlertReason]string{
		ticket.ReasonReceived:      "We received your request.",
		ticket.ReasonReplied:       "The support team replied.",
		ticket.ReasonInfoRequested: "The support team needs more details from you.",
		ticket.ReasonResolved:      "Your ticket was resolved.",
		ticket.ReasonMerged:        "Your ticket was joined with this one.",
	}},
	"es": {"Ticket de ayuda %d", map[ticket.AlertReason]string{
		ticket.ReasonReceived:      "Recibimos tu solicitud.",
		ticket.ReasonReplied:       "El equipo de soporte respondió.",
		ticket.ReasonInfoRequested: "El equipo de soporte necesita más datos.",
		ticket.ReasonResolved:      "Tu ticket se resolvió.",
		ticket.ReasonMerged:        "Tu ticket se unió a este.",
	}},
}

// payload builds job's payload with a freshly signed link.
func (d *Deliverer) payload(job ticket.AlertJob) ([]byte, error) {
	if job.AgentID != 0 {
		return d.noticePayload(job)
	}
	lang := job.Language
	if _, ok := texts[lang]; !ok {
		lang = d.cfg.DefaultLanguage
	}
	t, ok := texts[lang]
	if !ok {
		t = texts["en"]
	}
	body, ok := t.reasons[job.Reason]
	if !ok {
		return nil, fmt.Errorf("unknown reason %q", job.Reason)
	}
	token := d.cfg.LinkKeys.Sign(link.Claims{Ticket: job.TicketNumber, Email: job.Recipient.Email,
		Purpose: link.PurposeTicket, Expires: d.cfg.Now().Add(d.cfg.LinkTTL)})
	return json.Marshal(Payload{
		Ticket: job.TicketNumber,
		Reason: job.Reason,
		URL:    link.URL(d.cfg.BaseURL, job.TicketNumber, token),
		Title:  fmt.Sprintf(t.title, job.TicketNumber),
		Body:   body,
		Tag:    "ticket-" + strconv.FormatInt(job.TicketNumber, 10),
	})
}

// noticePayload is an agent's notice as a push: what happened and the
// number, with a plain link to the agent page (behind the agent's sign-in,
// so no token), in the words of the notice's email.
func (d *Deliverer) noticePayload(job ticket.AlertJob) ([]byte, error) {
	what, ok := outbound.NoticeWhat(job.Reason)
	if !ok {
		return nil, fmt.Errorf("unknown reason %q", job.Reason)
	}
	n := strconv.FormatInt(job.TicketNumber, 10)
	return json.Marshal(Payload{
		Ticket: job.TicketNumber,
		Reason: job.Reason,
		URL:    d.cfg.BaseURL.Join("/agent/tickets/" + n),
		Title:  "Ticket #" + n,
		Body:   what,
		Tag:    "agent-ticket-" + n,
	})
}
