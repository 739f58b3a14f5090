package storage

import (
	"context"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/ticket"
	"slices"
	"time"
)

// WebhookEvents lists the events a webhook may be registered for.
func (s *Store) WebhookEvents(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT event FROM webhook_event_kinds ORDER BY event`)
	if err != nil {
		return nil, fmt.Errorf("webhook events: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// AddWebhook registers w (its URL already checked by the caller).
func (s *Store) AddWebhook(ctx context.Context, w ticket.Webhook) (int64, error) {
	known, err := s.WebhookEvents(ctx)
	if err != nil {
		return 0, err
	}
	if len(w.Events) == 0 {
		return 0, fmt.Errorf("add webhook: %w: none given (one or more of %v)", ticket.ErrBadEvents, known)
	}
	for _, e := range w.Events {
		if !slices.Contains(known, e) {
			return 0, fmt.Errorf("add webhook: %w: unknown event %q (one of %v)", ticket.ErrBadEvents, e, known)
		}
	}
	secret, err := s.cfg.Secrets.Seal(purposeWebhookSecret, w.Secret)
	if err != nil {
		return 0, fmt.Errorf("add webhook: seal its secret: %w", err)
	}
	var id int64
	err = s.pool.QueryRow(ctx, `INSERT INTO webhooks (url, events, secret) VALUES ($1, $2, $3) RETURNING id`,
		w.URL, w.Events, secret).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add webhook: %w", err)
	}
	return id, nil
}

// Webhooks lists every webhook, oldest first.
func (s *Store) Webhooks(ctx context.Context) ([]ticket.Webhook, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, url, events, secret, created_at FROM webhooks ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	hooks, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ticket.Webhook])
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	for i := range hooks {
		if hooks[i].Secret, err = s.cfg.Secrets.Open(purposeWebhookSecret, hooks[i].Secret); err != nil {
			return nil, fmt.Errorf("webhook %d: %w", hooks[i].ID, err)
		}
	}
	return hooks, nil
}

// RemoveWebhook deletes the webhook and its deliveries.
func (s *Store) RemoveWebhook(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM webhooks WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("remove webhook: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("remove webhook %d: %w", id, ticket.ErrNotFound)
	}
	return nil
}

// WebhookDeliveries lists a webhook's latest deliveries, newest first.
func (s *Store) WebhookDeliveries(ctx context.Context, webhookID int64, limit int) ([]ticket.WebhookDelivery, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, webhook_id, event, state, tries, last_status, last_response,
		last_error, created_at, delivered_at FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2`,
		webhookID, limit)
	if err != nil {
		return nil, fmt.Errorf("webhook deliveries: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ticket.WebhookDelivery])
}

// ClaimWebhookJobs leases up to n due deliveries for lease: another sender
// (or this one after a crash) takes a delivery again only once its lease ran
// out, so a delivery is never lost and rarely sent twice.
func (s *Store) ClaimWebhookJobs(ctx context.Context, n int, lease time.Duration) ([]ticket.WebhookJob, error) {
	rows, err := s.pool.Query(ctx, `
		UPDATE webhook_deliveries d SET tries = d.tries + 1, lease_until = now() + $2::interval
		FROM webhooks w
		WHERE w.id = d.webhook_id AND d.id IN (SELECT id FROM webhook_deliveries
			WHERE state = 'queued' AND send_after <= now() AND (lease_until IS NULL OR lease_until < now())
			ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
		RETURNING d.id, d.tries, w.url, w.secret, d.payload::text`, n, lease)
	if err != nil {
		return nil, fmt.Errorf("claim webhooks: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ticket.WebhookJob, error) {
		var j ticket.WebhookJob
		var payload string
		if err := r.Scan(&j.ID, &j.Tries, &j.URL, &j.Secret, &payload); err != nil {
			return j, err
		}
		j.Payload = []byte(payload)
		var err error
		j.Secret, err = s.cfg.Secrets.Open(purposeWebhookSecret, j.Secret)
		return j, err
	})
}

// FinishWebhookJob records an attempt's result; ErrNotFound when the
// delivery was deleted meanwhile (erased, or its webhook removed).
func (s *Store) FinishWebhookJob(ctx context.Context, id int64, res ticket.WebhookResult) error {
	state := "delivered"
	switch {
	case res.Err != "" && res.Retry > 0:
		state = "queued"
	case res.Err != "":
		state = "failed"
	}
	tag, err := s.pool.Exec(ctx, `UPDATE webhook_deliveries SET state = $2, last_status = $3, last_response = $4,
		last_error = $5, send_after = now() + $6::interval, lease_until = NULL,
		delivered_at = CASE WHEN $2 = 'delivered' THEN now() END
		WHERE id = $1`, id, state, res.Status, res.Response, res.Err, res.Retry)
	if err != nil {
		return fmt.Errorf("finish webhook: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("finish webhook %d: %w", id, ticket.ErrNotFound) // erased or its webhook removed meanwhile
	}
	return nil
}
