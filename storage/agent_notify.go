package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"inboxdesk/ticket"
)

// notifyAgents queues, inside the caller's transaction (the same outbox as
// customer alerts), an email notice of the event on ticket ticketID to every
// enabled agent WantsNotice picks. note is an internal note's text, whose
// @names are the mentioned agents. A notice still waiting out its
// coalescing window for the same agent and ticket takes the newer reason
// instead of a second one being queued; quiet hours delay it.
func (s *Store) notifyAgents(ctx context.Context, tx pgx.Tx, ticketID int64, f ticket.NoticeFacts, note string) error {
	var mailbox, assignee int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(mailbox_id, 0), coalesce(assignee_id, 0) FROM tickets WHERE id = $1`, ticketID).
		Scan(&mailbox, &assignee); err != nil {
		return fmt.Errorf("notice ticket: %w", err)
	}
	agents, err := notifyAgentsOf(ctx, tx, mailbox)
	if err != nil {
		return err
	}
	f.Assignee = assignee
	if note != "" {
		f.Mentioned = ticket.Mentions(note, agents)
	}
	now := time.Now()
	for _, a := range agents {
		if !ticket.WantsNotice(a, f) {
			continue
		}
		at := ticket.NoticeAt(a, now.Add(s.cfg.CoalesceWindow))
		for _, ch := range alertChannels(f.Event.Reason(), a.Channels, a.HasPush) {
			if err := s.enqueueNotice(ctx, tx, ticketID, a, ch, f.Event.Reason(), at); err != nil {
				return err
			}
		}
	}
	return nil
}

func notifyAgentsOf(ctx context.Context, tx pgx.Tx, mailbox int64) ([]ticket.AgentNotify, error) {
	rows, err := tx.Query(ctx, `SELECT a.id, a.email, a.name, a.notify_events, a.quiet_from, a.quiet_to,
			EXISTS (SELECT 1 FROM agent_follows f WHERE f.agent_id = a.id AND f.mailbox_id = $1),
			a.notify_channels, EXISTS (SELECT 1 FROM push_subscriptions p WHERE p.agent_id = a.id)
		FROM agents a WHERE NOT a.disabled ORDER BY a.id`, mailbox)
	if err != nil {
		return nil, fmt.Errorf("notice agents: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ticket.AgentNotify, error) {
		var a ticket.AgentNotify
		var events []string
		var from, to *int16
		err := r.Scan(&a.AgentID, &a.Email, &a.Name, &events, &from, &to, &a.Follows, &a.Channels, &a.HasPush)
		for _, e := range events {
			a.Events = append(a.Events, ticket.AgentEvent(e))
		}
		if from != nil && to != nil {
			a.Quiet, a.QuietFrom, a.QuietTo = true, int(*from), int(*to)
		}
		return a, err
	})
}

func (s *Store) enqueueNotice(ctx context.Context, tx pgx.Tx, ticketID int64, a ticket.AgentNotify, channel string,
	reason ticket.AlertReason, at time.Time) error {
	tag, err := tx.Exec(ctx, `UPDATE alerts SET reason = $3, updated_at = now()
		WHERE ticket_id = $1 AND agent_id = $2 AND channel = $4 AND state = $5 AND tries = 0`,
		ticketID, a.AgentID, string(reason), channel, string(ticket.AlertQueued))
	if err != nil {
		return fmt.Errorf("coalesce notice: %w", err)
	}
	if tag.RowsAffected() > 0 {
		return nil
	}
	return insertAlert(ctx, tx, ticketID, a.Email, "", alertRow{agentID: a.AgentID, channel: channel, reason: reason,
		messageID: s.newMessageID("notice"), due: &at})
}

// SetAgentNotify sets which events the agent is told of and their quiet
// hours (quiet false for none; from and to are minutes after midnight UTC).
func (s *Store) SetAgentNotify(ctx context.Context, agentID int64, events []ticket.AgentEvent, quiet bool, from, to int) error {
	list := make([]string, 0, len(events))
	for _, e := range events {
		list = append(list, string(e))
	}
	var qf, qt *int
	if quiet {
		if from < 0 || from > 1439 || to < 0 || to > 1439 {
			return fmt.Errorf("agent notify: quiet hours are minutes 0 to 1439")
		}
		qf, qt = &from, &to
	}
	_, err := s.pool.Exec(ctx, `UPDATE agents SET notify_events = $2, quiet_from = $3, quiet_to = $4 WHERE id = $1`,
		agentID, list, qf, qt)
	if err != nil {
		return fmt.Errorf("agent notify: %w", err)
	}
	return nil
}

// SetAgentChannels records which channels the agent's notices go on (an
// agent without a subscribed browser gets email whatever it says).
func (s *Store) SetAgentChannels(ctx context.Context, agentID int64, c ticket.AlertChannels) error {
	return s.setChannels(ctx, "agent channels", `UPDATE agents SET notify_channels = $2 WHERE id = $1`, agentID, c)
}

// FollowMailbox makes the agent follow (or, follow false, stop following)
// the mailbox: they hear of its new tickets.
func (s *Store) FollowMailbox(ctx context.Context, agentID, mailboxID int64, follow bool) error {
	sql := `INSERT INTO agent_follows (agent_id, mailbox_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`
	if !follow {
		sql = `DELETE FROM agent_follows WHERE agent_id = $1 AND mailbox_id = $2`
	}
	if _, err := s.pool.Exec(ctx, sql, agentID, mailboxID); err != nil {
		return fmt.Errorf("follow mailbox: %w", err)
	}
	return nil
}

// noticeNewTickets tells the followers of the mailbox of the tickets a batch
// opened. A mailbox nobody follows costs one query per batch.
func (s *Store) noticeNewTickets(ctx context.Context, tx pgx.Tx, mailbox int64, results []ticket.Result) error {
	var numbers []int64
	for _, r := range results {
		if r.Outcome == ticket.OutcomeNewTicket {
			numbers = append(numbers, r.Ticket)
		}
	}
	if len(numbers) == 0 {
		return nil
	}
	var followed bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM agent_follows f JOIN agents a ON a.id = f.agent_id
		WHERE f.mailbox_id = $1 AND NOT a.disabled AND 'new_ticket' = ANY (a.notify_events))`, mailbox).Scan(&followed); err != nil {
		return fmt.Errorf("mailbox followers: %w", err)
	}
	if !followed {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT id FROM tickets WHERE number = ANY ($1)`, numbers)
	if err != nil {
		return fmt.Errorf("new tickets: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("new tickets: %w", err)
	}
	for _, id := range ids {
		if err := s.notifyAgents(ctx, tx, id, ticket.NoticeFacts{Event: ticket.EventNewTicket}, ""); err != nil {
			return err
		}
	}
	return nil
}

// AgentNotifyOf returns the agent's notice settings (ErrNotFound for no agent).
func (s *Store) AgentNotifyOf(ctx context.Context, agentID int64) (*ticket.AgentNotifySettings, error) {
	var out ticket.AgentNotifySettings
	var events []string
	var from, to *int16
	err := s.pool.QueryRow(ctx, `SELECT notify_events, quiet_from, quiet_to,
			array(SELECT mailbox_id FROM agent_follows WHERE agent_id = $1 ORDER BY mailbox_id), notify_channels
		FROM agents WHERE id = $1`, agentID).Scan(&events, &from, &to, &out.Follows, &out.Channels)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ticket.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("agent notify: %w", err)
	}
	for _, e := range events {
		out.Events = append(out.Events, ticket.AgentEvent(e))
	}
	if from != nil && to != nil {
		out.Quiet, out.QuietFrom, out.QuietTo = true, int(*from), int(*to)
	}
	return &out, nil
}
