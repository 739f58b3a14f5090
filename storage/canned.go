package storage

import (
	"context"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"inboxdesk/ticket"
)

const cannedColumns = `id, coalesce(owner_id, 0), title, body, set_status, set_assign`

func scanCanned(r pgx.Row) (ticket.Canned, error) {
	var c ticket.Canned
	err := r.Scan(&c.ID, &c.OwnerID, &c.Title, &c.Body, &c.SetStatus, &c.SetAssign)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, ticket.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("canned reply: %w", err)
	}
	return c, nil
}

// CreateCanned stores a canned reply after ValidateCanned (whose error it
// returns as is). Who may create a shared one is the caller's rule.
func (s *Store) CreateCanned(ctx context.Context, c ticket.Canned) (*ticket.Canned, error) {
	if err := ticket.ValidateCanned(&c); err != nil {
		return nil, err
	}
	out, err := scanCanned(s.pool.QueryRow(ctx, `INSERT INTO canned_replies (owner_id, title, body, set_status, set_assign)
		VALUES (NULLIF($1, 0), $2, $3, $4, $5) RETURNING `+cannedColumns,
		c.OwnerID, c.Title, c.Body, string(c.SetStatus), string(c.SetAssign)))
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// CannedFor returns the canned replies the agent may use: the shared ones,
// then their own, each by title.
func (s *Store) CannedFor(ctx context.Context, agentID int64) ([]ticket.Canned, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+cannedColumns+` FROM canned_replies
		WHERE owner_id IS NULL OR owner_id = $1 ORDER BY owner_id NULLS FIRST, lower(title), id`, agentID)
	if err != nil {
		return nil, fmt.Errorf("canned replies: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ticket.Canned, error) { return scanCanned(r) })
}

// CannedByID returns the canned reply if the agent may use it (shared, or
// their own), else ErrNotFound.
func (s *Store) CannedByID(ctx context.Context, id, agentID int64) (*ticket.Canned, error) {
	c, err := scanCanned(s.pool.QueryRow(ctx, `SELECT `+cannedColumns+` FROM canned_replies
		WHERE id = $1 AND (owner_id IS NULL OR owner_id = $2)`, id, agentID))
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// DeleteCanned removes a canned reply; none with the id gives ErrNotFound.
func (s *Store) DeleteCanned(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM canned_replies WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete canned reply: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ticket.ErrNotFound
	}
	return nil
}
