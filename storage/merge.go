package storage

import (
	"context"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/ticket"
	"time"
)

// maxMergeHops bounds how far followMerged walks: merges always point at a
// ticket that is not merged, so one hop is the rule.
const maxMergeHops = 8

// followMerged returns the ticket t's number leads to: t, or the ticket it
// was merged into, locked like t.
func followMerged(ctx context.Context, tx pgx.Tx, t *ticket.Ticket) (*ticket.Ticket, error) {
	for range maxMergeHops {
		if t.MergedIntoID == 0 {
			return t, nil
		}
		next, err := ticketByID(ctx, tx, t.MergedIntoID, true)
		if err != nil {
			return nil, err
		}
		t = next
	}
	return t, nil
}

// Merge moves ticket from into ticket into, in one transaction: from's
// messages (a mail into holds already, by Message-ID, is kept but shown
// once), with their attachments, its alerts (so replies to them thread into
// into), its requester and participants (as into's participants), and
// tickets merged into from. from is closed and leads to into from then on:
// its number, links, [#N] token and its mails' Message-IDs. Both tickets
// record the merge, and from's people are told once (a notify-only alert).
func (s *Store) Merge(ctx context.Context, agentID, from, into int64) (*ticket.Ticket, error) {
	if from == into {
		return nil, ticket.ErrSameTicket
	}
	var out *ticket.Ticket
	err := s.tx(ctx, func(tx pgx.Tx) error {
		a, b, err := lockPair(ctx, tx, into, from)
		if err != nil {
			return err
		}
		told, err := mergeReaders(ctx, tx, b, a)
		if err != nil {
			return err
		}
		if err := moveMessages(ctx, tx, b, a); err != nil {
			return err
		}
		if err := closeMerged(ctx, tx, b, a); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, a.ID, "merged", ticket.AgentActor(agentID), map[string]any{"from": b.Number}); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, b.ID, "merged_into", ticket.AgentActor(agentID), map[string]any{"into": a.Number}); err != nil {
			return err
		}
		if err := s.enqueueAlertTo(ctx, tx, a.ID, ticket.ReasonMerged, told); err != nil {
			return err
		}
		out, err = ticketByID(ctx, tx, a.ID, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	return out, nil
}

// lockPair locks two tickets in id order (two merges at once cannot
// deadlock) and refuses tickets merged already.
func lockPair(ctx context.Context, tx pgx.Tx, first, second int64) (*ticket.Ticket, *ticket.Ticket, error) {
	ids := [2]int64{min(first, second), max(first, second)}
	got := map[int64]*ticket.Ticket{}
	for _, id := range ids {
		t, err := ticketByID(ctx, tx, id, true)
		if err != nil {
			return nil, nil, err
		}
		if t.MergedIntoID != 0 {
			return nil, nil, fmt.Errorf("#%d: %w", t.Number, ticket.ErrMerged)
		}
		got[id] = t
	}
	return got[first], got[second], nil
}

// mergeReadersSQL makes requester $1 and the participants of ticket $2
// participants of ticket $3, whose requester is $4 (insertParticipantsSQL),
// and returns them all.
var mergeReadersSQL = numbered(`
	WITH r AS (
		SELECT $1::bigint AS customer_id
		UNION SELECT customer_id FROM participants WHERE ticket_id = $2 AND removed_at IS NULL),
	tk AS (SELECT $3::bigint AS id),
	joining AS (SELECT customer_id AS id FROM r WHERE customer_id <> $4),
	ins AS (`, insertParticipantsSQL, `)
	SELECT customer_id FROM r ORDER BY customer_id`)

// mergeReaders makes b's requester and participants a's participants
// (again, if they had been removed from a) and returns their customer ids.
func mergeReaders(ctx context.Context, tx pgx.Tx, b, a *ticket.Ticket) ([]int64, error) {
	rows, err := tx.Query(ctx, mergeReadersSQL, b.RequesterID, b.ID, a.ID, a.RequesterID, "merge", true)
	if err != nil {
		return nil, fmt.Errorf("merge participants: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("merge participants: %w", err)
	}
	return ids, nil
}

// moveMessages moves b's messages and alerts to a; a mail a holds already
// (the same Message-ID, delivered to two mailboxes) is marked a duplicate
// of a's copy.
func moveMessages(ctx context.Context, tx pgx.Tx, b, a *ticket.Ticket) error {
	if _, err := tx.Exec(ctx, `
		UPDATE messages m SET duplicate_of = (SELECT min(o.id) FROM messages o
			WHERE o.ticket_id = $2 AND o.message_id = m.message_id AND o.duplicate_of IS NULL)
		WHERE m.ticket_id = $1 AND m.source = 'email' AND m.duplicate_of IS NULL AND EXISTS (
			SELECT 1 FROM messages o WHERE o.ticket_id = $2 AND o.message_id = m.message_id)`, b.ID, a.ID); err != nil {
		return fmt.Errorf("merge duplicates: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE messages SET ticket_id = $2 WHERE ticket_id = $1`, b.ID, a.ID); err != nil {
		return fmt.Errorf("merge messages: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE alerts SET ticket_id = $2 WHERE ticket_id = $1`, b.ID, a.ID); err != nil {
		return fmt.Errorf("merge alerts: %w", err)
	}
	return nil
}

// closeMerged closes b (ticket.Transition says how a merge moves it),
// leading to a (and so does every ticket merged into b before), and bumps a.
func closeMerged(ctx context.Context, tx pgx.Tx, b, a *ticket.Ticket) error {
	if err := b.Apply(ticket.ActMerge, time.Now()); err != nil {
		return err
	}
	if err := saveStatus(ctx, tx, b, false); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `
		UPDATE tickets SET merged_into_id = $2, version = version + 1, updated_at = now()
		WHERE id = $1 OR merged_into_id = $1`, b.ID, a.ID)
	if err != nil {
		return fmt.Errorf("close merged ticket: %w", err)
	}
	_, err = tx.Exec(ctx, `UPDATE tickets SET version = version + 1, updated_at = now() WHERE id = $1`, a.ID)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	return nil
}

// Split makes a new ticket of message messageID of ticket ticketID and
// every later message, in one transaction; nothing else moves. The new
// ticket's requester is the message's customer (the ticket's requester when
// a person of the team wrote it); it continues the old ticket, and both
// record the split.
func (s *Store) Split(ctx context.Context, agentID, ticketID, messageID int64) (*ticket.Ticket, error) {
	var out *ticket.Ticket
	err := s.tx(ctx, func(tx pgx.Tx) error {
		t, err := ticketByID(ctx, tx, ticketID, true)
		if err != nil {
			return err
		}
		if t.MergedIntoID != 0 {
			return ticket.ErrMerged
		}
		nt, err := splitTicket(ctx, tx, t, messageID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE messages SET ticket_id = $2 WHERE ticket_id = $1 AND id >= $3`,
			t.ID, nt.ID, messageID); err != nil {
			return fmt.Errorf("split messages: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE tickets SET version = version + 1, updated_at = now() WHERE id = $1`, t.ID); err != nil {
			return fmt.Errorf("split: %w", err)
		}
		if err := addEvent(ctx, tx, t.ID, "split", ticket.AgentActor(agentID), map[string]any{"into": nt.Number}); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, nt.ID, "split_from", ticket.AgentActor(agentID), map[string]any{"from": t.Number}); err != nil {
			return err
		}
		out, err = ticketByID(ctx, tx, nt.ID, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("split: %w", err)
	}
	return out, nil
}

// splitTicket opens the ticket a split at messageID of t makes.
func splitTicket(ctx context.Context, tx pgx.Tx, t *ticket.Ticket, messageID int64) (*ticket.Ticket, error) {
	var first bool
	var subject string
	var customer int64
	err := tx.QueryRow(ctx, `SELECT m.id = (SELECT min(id) FROM messages WHERE ticket_id = $1), m.subject,
			coalesce(m.customer_id, 0)
		FROM messages m WHERE m.id = $2 AND m.ticket_id = $1`, t.ID, messageID).Scan(&first, &subject, &customer)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ticket.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("split message: %w", err)
	}
	if first {
		return nil, ticket.ErrSplitFirst
	}
	if customer == 0 {
		customer = t.RequesterID
	}
	if ticket.CleanSubject(subject) == ticket.CleanSubject("") {
		subject = t.Subject
	}
	return insertTicket(ctx, tx, newTicket{Subject: ticket.CleanSubject(subject), RequesterID: customer,
		MailboxID: t.MailboxID, LinkedID: t.ID})
}
