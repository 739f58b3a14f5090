package storage

import (
	"context"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/lang"
	"inboxdesk/ticket"
)

// CustomerLanguages returns what is known of a customer's language, by
// source (lang.Sources), or ErrNotFound.
func (s *Store) CustomerLanguages(ctx context.Context, customerID int64) (lang.Sources, error) {
	var src lang.Sources
	err := s.pool.QueryRow(ctx, `SELECT language_choice, language_site, language_mail FROM customers
		WHERE id = $1`, customerID).Scan(&src.Choice, &src.Site, &src.Mail)
	if errors.Is(err, pgx.ErrNoRows) {
		return src, ticket.ErrNotFound
	}
	if err != nil {
		return src, fmt.Errorf("customer languages: %w", err)
	}
	return src, nil
}

// SetCustomerLanguageChoice sets the customer's own explicit choice; "" goes
// back to choosing from what they use. A language not in lang.Supported
// gives ErrUnknownLanguage.
func (s *Store) SetCustomerLanguageChoice(ctx context.Context, customerID int64, l string) error {
	return s.tx(ctx, func(tx pgx.Tx) error { return setLanguageChoice(ctx, tx, customerID, l) })
}

// SetRequesterLanguage is an agent's explicit choice of the language the
// requester of ticket ticketID is spoken to in ("" goes back to choosing from
// what they use), recorded on the ticket's history.
func (s *Store) SetRequesterLanguage(ctx context.Context, agentID, ticketID int64, l string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		var customerID int64
		err := tx.QueryRow(ctx, `SELECT requester_id FROM tickets WHERE id = $1`, ticketID).Scan(&customerID)
		if errors.Is(err, pgx.ErrNoRows) {
			return ticket.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("requester: %w", err)
		}
		if err := setLanguageChoice(ctx, tx, customerID, l); err != nil {
			return err
		}
		return addEvent(ctx, tx, ticketID, "language_set", ticket.AgentActor(agentID), map[string]any{"language": l})
	})
}

func setLanguageChoice(ctx context.Context, tx pgx.Tx, customerID int64, l string) error {
	if l != "" && lang.Normalize(l) != l {
		return fmt.Errorf("%w: %q", ticket.ErrUnknownLanguage, l)
	}
	tag, err := tx.Exec(ctx, `UPDATE customers SET language_choice = $2 WHERE id = $1`, customerID, l)
	if err != nil {
		return fmt.Errorf("set language: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ticket.ErrNotFound
	}
	return nil
}

// SetCustomerSiteLanguage records the language of the page the site just
// served the customer (their language for alerts unless they chose one).
func (s *Store) SetCustomerSiteLanguage(ctx context.Context, customerID int64, l string) error {
	if lang.Normalize(l) != l || l == "" {
		return fmt.Errorf("%w: %q", ticket.ErrUnknownLanguage, l)
	}
	_, err := s.pool.Exec(ctx, `UPDATE customers SET language_site = $2 WHERE id = $1 AND language_site <> $2`,
		customerID, l)
	if err != nil {
		return fmt.Errorf("site language: %w", err)
	}
	return nil
}
