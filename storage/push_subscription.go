package storage

import (
	"context"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/ticket"
	"time"
)

const pushSubscriptionColumns = `id, coalesce(customer_id, 0), coalesce(agent_id, 0), endpoint, p256dh, auth, label, created_at, last_used,
	coalesce(last_alert_id, 0)`

// SavePushSubscription stores p for p.CustomerID, or p.AgentID (exactly
// one is set), and returns it as stored. An endpoint is one browser:
// subscribing it again (new keys, or after someone else signed in on it)
// replaces the old row. Beyond MaxPushDevices the owner's oldest devices are
// removed.
func (s *Store) SavePushSubscription(ctx context.Context, p ticket.PushSubscription) (*ticket.PushSubscription, error) {
	if (p.CustomerID == 0) == (p.AgentID == 0) || p.Endpoint == "" || p.P256dh == "" || p.Auth == "" {
		return nil, errors.New("save push subscription: one customer or agent, endpoint and keys are required")
	}
	owner, id := "customer_id", p.CustomerID
	if p.AgentID != 0 {
		owner, id = "agent_id", p.AgentID
	}
	var got ticket.PushSubscription
	err := s.tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			INSERT INTO push_subscriptions (customer_id, agent_id, endpoint, p256dh, auth, label)
			VALUES (nullif($1, 0), nullif($2, 0), $3, $4, $5, $6)
			ON CONFLICT (endpoint) DO UPDATE SET customer_id = EXCLUDED.customer_id, agent_id = EXCLUDED.agent_id,
				p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, label = EXCLUDED.label, created_at = now(),
				last_used = NULL, last_alert_id = NULL
			RETURNING `+pushSubscriptionColumns, p.CustomerID, p.AgentID, p.Endpoint, p.P256dh, p.Auth, p.Label)
		if err != nil {
			return err
		}
		if got, err = pgx.CollectExactlyOneRow(rows, scanPushSubscription); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM push_subscriptions WHERE `+owner+` = $1 AND id NOT IN (
			SELECT id FROM push_subscriptions WHERE `+owner+` = $1 ORDER BY created_at DESC, id DESC LIMIT $2)`,
			id, ticket.MaxPushDevices)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("save push subscription: %w", err)
	}
	return &got, nil
}

// PushSubscriptionsByCustomer lists a customer's devices, oldest first.
func (s *Store) PushSubscriptionsByCustomer(ctx context.Context, customerID int64) ([]ticket.PushSubscription, error) {
	return s.pushSubscriptions(ctx, `customer_id = $1`, customerID)
}

// PushSubscriptionsByEmail lists the devices of the customer with the
// address (an alert's recipient), oldest first.
func (s *Store) PushSubscriptionsByEmail(ctx context.Context, email string) ([]ticket.PushSubscription, error) {
	return s.pushSubscriptions(ctx, `customer_id = (SELECT id FROM customers WHERE email = lower($1))`, email)
}

// PushSubscriptionsByAgent lists an agent's devices, oldest first.
func (s *Store) PushSubscriptionsByAgent(ctx context.Context, agentID int64) ([]ticket.PushSubscription, error) {
	return s.pushSubscriptions(ctx, `agent_id = $1`, agentID)
}

func (s *Store) pushSubscriptions(ctx context.Context, where string, arg any) ([]ticket.PushSubscription, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+pushSubscriptionColumns+` FROM push_subscriptions
		WHERE `+where+` ORDER BY id`, arg)
	if err != nil {
		return nil, fmt.Errorf("push subscriptions: %w", err)
	}
	subs, err := pgx.CollectRows(rows, scanPushSubscription)
	if err != nil {
		return nil, fmt.Errorf("push subscriptions: %w", err)
	}
	return subs, nil
}

func scanPushSubscription(r pgx.CollectableRow) (ticket.PushSubscription, error) {
	var p ticket.PushSubscription
	var used *time.Time
	err := r.Scan(&p.ID, &p.CustomerID, &p.AgentID, &p.Endpoint, &p.P256dh, &p.Auth, &p.Label, &p.CreatedAt, &used,
		&p.LastAlertID)
	p.LastUsed = nullTime(used)
	return p, err
}

// DeletePushSubscription removes one of the customer's devices; ErrNotFound
// when the customer has no subscription with that id.
func (s *Store) DeletePushSubscription(ctx context.Context, customerID, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM push_subscriptions WHERE id = $1 AND customer_id = $2`, id, customerID)
	if err != nil {
		return fmt.Errorf("delete push subscription: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ticket.ErrNotFound
	}
	return nil
}

// DeletePushEndpoint removes the subscription with the endpoint, which the
// push service said is gone (404/410). Removing one already gone is no error.
func (s *Store) DeletePushEndpoint(ctx context.Context, endpoint string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM push_subscriptions WHERE endpoint = $1`, endpoint); err != nil {
		return fmt.Errorf("delete push endpoint: %w", err)
	}
	return nil
}

// MarkPushDelivered records that alert alertID reached subscription id.
func (s *Store) MarkPushDelivered(ctx context.Context, id, alertID int64) error {
	_, err := s.pool.Exec(ctx, `UPDATE push_subscriptions SET last_used = now(), last_alert_id = $2 WHERE id = $1`,
		id, alertID)
	if err != nil {
		return fmt.Errorf("mark push delivered: %w", err)
	}
	return nil
}
