package storage

import (
	"context"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/ticket"
)

// AlertChannelsOf returns the customer's channel choice.
func (s *Store) AlertChannelsOf(ctx context.Context, customerID int64) (ticket.AlertChannels, error) {
	var c string
	err := s.pool.QueryRow(ctx, `SELECT alert_channels FROM customers WHERE id = $1`, customerID).Scan(&c)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ticket.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("alert channels: %w", err)
	}
	return ticket.AlertChannels(c), nil
}

// SetAlertChannels records the customer's channel choice.
func (s *Store) SetAlertChannels(ctx context.Context, customerID int64, c ticket.AlertChannels) error {
	if !c.Valid() {
		return fmt.Errorf("set alert channels: unknown choice %q", c)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE customers SET alert_channels = $2 WHERE id = $1`, customerID, string(c))
	if err != nil {
		return fmt.Errorf("set alert channels: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ticket.ErrNotFound
	}
	return nil
}
