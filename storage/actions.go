package storage

import (
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/ticket"
	"strings"
	"time"
)

// actionRule says what an agent action does besides moving the status
// (ticket.Transition decides that).
type actionRule struct {
	needsText bool
	internal  bool
	alert     ticket.AlertReason
	event     string
}

var actionRules = map[ticket.AgentAction]actionRule{
	ticket.ActReply:       {needsText: true, alert: ticket.ReasonReplied, event: "agent_replied"},
	ticket.ActNote:        {needsText: true, internal: true, event: "note_added"},
	ticket.ActRequestInfo: {needsText: true, alert: ticket.ReasonInfoRequested, event: "info_requested"},
	ticket.ActResolve:     {alert: ticket.ReasonResolved, event: "resolved"},
	ticket.ActReopen:      {event: "reopened"},
}

// Act applies an agent's action to a ticket in one transaction: the message
// (if any), the status change, the event and the customer's alert. A stale
// Version gives ErrStale and changes nothing.
func (s *Store) Act(ctx context.Context, agentID int64, act ticket.AgentAction, p ticket.Post) (*ticket.Ticket, error) {
	rule, ok := actionRules[act]
	if !ok {
		return nil, fmt.Errorf("unknown action %q", act)
	}
	text := strings.TrimSpace(p.Text)
	if rule.needsText && text == "" && len(p.Attachments) == 0 {
		return nil, ticket.ErrEmpty
	}
	var out *ticket.Ticket
	err := s.tx(ctx, func(tx pgx.Tx) error {
		t, err := lockFresh(ctx, tx, p)
		if err != nil {
			return err
		}
		if err := t.Apply(act, time.Now()); err != nil {
			return err
		}
		if text != "" && !rule.internal {
			if p.Text, err = signed(ctx, tx, agentID, p.Text); err != nil {
				return err
			}
		}
		if text != "" || len(p.Attachments) > 0 {
			if err := s.insertWebMessage(ctx, tx, t, webMessage{agentID: agentID, text: p.Text,
				internal: rule.internal, atts: p.Attachments}); err != nil {
				return err
			}
		}
		if err := saveStatus(ctx, tx, t, false); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, t.ID, rule.event, ticket.AgentActor(agentID), nil); err != nil {
			return err
		}
		if act == ticket.ActNote {
			if err := s.notifyAgents(ctx, tx, t.ID, ticket.NoticeFacts{Event: ticket.EventMentioned, Actor: agentID}, text); err != nil {
				return err
			}
		}
		if rule.alert != "" {
			if err := s.enqueueAlert(ctx, tx, t.ID, rule.alert); err != nil {
				return err
			}
		}
		out, err = ticketByID(ctx, tx, t.ID, false)
		return err
	})
	return out, err
}

// Assign gives a ticket to an agent (assignee 0 unassigns).
func (s *Store) Assign(ctx context.Context, agentID int64, p ticket.Post, assignee int64) (*ticket.Ticket, error) {
	var out *ticket.Ticket
	err := s.tx(ctx, func(tx pgx.Tx) error {
		t, err := lockFresh(ctx, tx, p)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE tickets SET assignee_id = NULLIF($2, 0), version = version + 1,
			updated_at = now() WHERE id = $1`, t.ID, assignee); err != nil {
			return fmt.Errorf("assign: %w", err)
		}
		if err := addEvent(ctx, tx, t.ID, "assigned", ticket.AgentActor(agentID), map[string]any{"agent": assignee}); err != nil {
			return err
		}
		if assignee != 0 && assignee != t.AssigneeID {
			if err := s.notifyAgents(ctx, tx, t.ID, ticket.NoticeFacts{Event: ticket.EventAssigned, Actor: agentID}, ""); err != nil {
				return err
			}
		}
		out, err = ticketByID(ctx, tx, t.ID, false)
		return err
	})
	return out, err
}

// CustomerReply adds a web reply by the ticket's requester or a participant
// (else ErrNotFound); a pending or
// resolved ticket goes back to open (a closed one too: the customer is back).
func (s *Store) CustomerReply(ctx context.Context, customerID int64, p ticket.Post) (*ticket.Ticket, error) {
	if strings.TrimSpace(p.Text) == "" && len(p.Attachments) == 0 {
		return nil, ticket.ErrEmpty
	}
	var out *ticket.Ticket
	err := s.tx(ctx, func(tx pgx.Tx) error {
		t, err := lockFresh(ctx, tx, ticket.Post{TicketID: p.TicketID})
		if err != nil {
			return err
		}
		if reads, err := customerReads(ctx, tx, t.ID, customerID); err != nil || !reads {
			return cmp.Or(err, ticket.ErrNotFound)
		}
		if again, err := resubmitted(ctx, tx, t.ID, customerID, p); err != nil || again {
			out = t
			return err
		}
		if err := s.insertWebMessage(ctx, tx, t, webMessage{customerID: customerID, text: p.Text,
			atts: p.Attachments}); err != nil {
			return err
		}
		if _, err := customerWrote(ctx, tx, t, customerID, ticket.ActCustomerWeb); err != nil {
			return err
		}
		if err := s.notifyAgents(ctx, tx, t.ID, ticket.NoticeFacts{Event: ticket.EventCustomerReplied}, ""); err != nil {
			return err
		}
		out, err = ticketByID(ctx, tx, t.ID, false)
		return err
	})
	return out, err
}

// resubmitWindow is how soon the same reply again counts as the form sent twice.
const resubmitWindow = 30 * time.Second

// resubmitted reports whether the customer's newest message on the ticket is
// this very reply — same text, same files — sent moments ago: a double click
// or a re-sent form, which must not store the message twice. The ticket row
// is locked, so two submissions at once are told apart in turn.
func resubmitted(ctx context.Context, tx pgx.Tx, ticketID, customerID int64, p ticket.Post) (bool, error) {
	var text, files string
	var age time.Duration
	err := tx.QueryRow(ctx, `SELECT m.body_text, now() - m.created_at,
			coalesce((SELECT string_agg(encode(a.sha256, 'hex'), ',' ORDER BY a.id) FROM attachments a
				WHERE a.message_id = m.id), '')
		FROM messages m WHERE m.ticket_id = $1 AND m.customer_id = $2 AND m.source = 'web'
		ORDER BY m.id DESC LIMIT 1`, ticketID, customerID).Scan(&text, &age, &files)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("last reply: %w", err)
	}
	sums := make([]string, 0, len(p.Attachments))
	for _, a := range p.Attachments {
		_, sum, _ := attachmentBytes(a)
		sums = append(sums, hex.EncodeToString(sum))
	}
	return age < resubmitWindow && text == cleanText(p.Text) && files == strings.Join(sums, ","), nil
}

// OpenFromWeb opens a ticket for a signed-in customer.
func (s *Store) OpenFromWeb(ctx context.Context, customerID int64, subject string, p ticket.Post) (*ticket.Ticket, error) {
	if strings.TrimSpace(p.Text) == "" && len(p.Attachments) == 0 {
		return nil, ticket.ErrEmpty
	}
	var out *ticket.Ticket
	err := s.tx(ctx, func(tx pgx.Tx) error {
		t, err := insertTicket(ctx, tx, newTicket{Subject: ticket.CleanSubject(subject), RequesterID: customerID})
		if err != nil {
			return err
		}
		if err := s.insertWebMessage(ctx, tx, t, webMessage{customerID: customerID, text: p.Text,
			atts: p.Attachments, subject: t.Subject}); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, t.ID, "created", ticket.CustomerActor(customerID), map[string]any{"source": "web"}); err != nil {
			return err
		}
		if err := s.enqueueAlert(ctx, tx, t.ID, ticket.ReasonReceived); err != nil {
			return err
		}
		if err := s.notifyAgents(ctx, tx, t.ID, ticket.NoticeFacts{Event: ticket.EventNewTicket}, ""); err != nil {
			return err
		}
		out = t
		return nil
	})
	return out, err
}

// lockFresh locks the ticket and checks the writer saw its current version.
func lockFresh(ctx context.Context, tx pgx.Tx, p ticket.Post) (*ticket.Ticket, error) {
	t, err := ticketByID(ctx, tx, p.TicketID, true)
	if err != nil {
		return nil, err
	}
	if p.Version != 0 && p.Version != t.Version {
		return nil, ticket.ErrStale
	}
	return t, nil
}

// saveStatus writes the status and resolved time that ticket.Ticket.Apply
// gave the locked ticket t, and bumps its version; customer says the
// customer just wrote (the queue shows who waits since when).
func saveStatus(ctx context.Context, tx pgx.Tx, t *ticket.Ticket, customer bool) error {
	var resolved *time.Time
	if !t.ResolvedAt.IsZero() {
		resolved = &t.ResolvedAt
	}
	_, err := tx.Exec(ctx, `UPDATE tickets SET status = $2, resolved_at = $3, version = version + 1,
		updated_at = now(), last_customer_at = CASE WHEN $4 THEN now() ELSE last_customer_at END
		WHERE id = $1`, t.ID, string(t.Status), resolved, customer)
	if err != nil {
		return fmt.Errorf("set status: %w", err)
	}
	return nil
}

type webMessage struct {
	agentID, customerID int64
	text, subject       string
	internal            bool
	atts                []ticket.Attachment
}

func (s *Store) insertWebMessage(ctx context.Context, tx pgx.Tx, t *ticket.Ticket, w webMessage) error {
	var name, email string
	err := tx.QueryRow(ctx, `SELECT coalesce((SELECT name || E'\n' || email FROM agents WHERE id = $1),
		(SELECT name || E'\n' || email FROM customers WHERE id = $2), E'\n')`, w.agentID, w.customerID).Scan(&name)
	if err != nil {
		return fmt.Errorf("author: %w", err)
	}
	name, email, _ = strings.Cut(name, "\n")
	_, err = insertMessage(ctx, tx, t.ID, w.customerID, s.webRow(w.agentID, name, email, w.subject, w.text, w.internal), w.atts)
	return err
}
