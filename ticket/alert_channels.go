package ticket

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// AlertChannels is which channels a customer with push subscriptions
// wants alerts on. A customer without one gets email whatever it says.
type AlertChannels string

const (
	ChannelsEmail AlertChannels = "email"
	ChannelsPush  AlertChannels = "push"
	ChannelsBoth  AlertChannels = "both"
)

// Valid reports whether c is one of the three choices.
func (c AlertChannels) Valid() bool {
	return c == ChannelsEmail || c == ChannelsPush || c == ChannelsBoth
}

// AlertChannelsOf returns the customer's channel choice.
func (s *Store) AlertChannelsOf(ctx context.Context, customerID int64) (AlertChannels, error) {
	var c string
	err := s.pool.QueryRow(ctx, `SELECT alert_channels FROM customers WHERE id = $1`, customerID).Scan(&c)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("alert channels: %w", err)
	}
	return AlertChannels(c), nil
}

// SetAlertChannels records the customer's channel choice.
func (s *Store) SetAlertChannels(ctx context.Context, customerID int64, c AlertChannels) error {
	if !c.Valid() {
		return fmt.Errorf("set alert channels: unknown choice %q", c)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE customers SET alert_channels = $2 WHERE id = $1`, customerID, string(c))
	if err != nil {
		return fmt.Errorf("set alert channels: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}
